import Foundation
import Testing

@testable import LDLCore

/// TUNING.md "Cross-validation folds" against `vectors/folds.json`.
@Suite struct FoldTests {
    @Test func foldsVector() throws {
        let json = try Fixtures.json("folds.json")
        let cases = try #require(json["cases"] as? [[String: Any]])
        #expect(cases.count >= 3)
        for c in cases {
            let seed = try #require((c["seed"] as? NSNumber)?.uint64Value)
            let r = try #require((c["repeat"] as? NSNumber)?.intValue)
            let folds = try #require((c["folds"] as? NSNumber)?.intValue)
            let keys = try #require((c["keys"] as? [NSNumber])?.map(\.int64Value))
            let expected = try #require((c["fold"] as? [NSNumber])?.map(\.intValue))
            let got = try keys.map { try Folds.fold(key: $0, seed: seed, repeat: r, folds: folds) }
            #expect(got == expected, "seed \(seed) repeat \(r) folds \(folds)")
        }
        expectError(.invalidParameter, "zero folds") { _ = try Folds.fold(key: 1, seed: 0, repeat: 0, folds: 0) }
        #expect(try Folds.fold(key: .min, seed: .max, repeat: .max, folds: 1) == 0)
    }
}
