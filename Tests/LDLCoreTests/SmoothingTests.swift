import Foundation
import Testing

@testable import LDLCore

/// NEIGHBOURS.md F3.2: label smoothing before prediction.
@Suite struct SmoothingTests {
    @Test func specCase() throws {
        let m = try LabelNoiseTests.model()
        let s = try m.smoothed(lambda: 0.5, smoothK: 2)
        #expect(try m.smoothed(lambda: 0.5, smoothK: 2) === s, "cached")
        let expected: [[Double]] = [[0.7, 0.3], [0.7, 0.3], [0.5, 0.5], [0.7, 0.3]]
        for (i, key) in [Int64(1), 2, 3, 4].enumerated() {
            let p = try s.predict([Double(i)], method: .aaknn(k: 1))
            expectClose(p, expected[i], tolerance: 1e-12, "key \(key)")
        }
        expectClose(try s.predict([2], method: .aaknn(k: 1)), [0.5, 0.5], tolerance: 1e-12, "smoothed")
        expectClose(try m.predict([2], method: .aaknn(k: 1)), [0.1, 0.9], tolerance: 0, "unsmoothed")
        expectClose(try m.smoothed(lambda: 1, smoothK: 2).predict([2], method: .aaknn(k: 1)), [0.9, 0.1], tolerance: 1e-12, "λ = 1")
        #expect(try m.smoothed(lambda: 0, smoothK: 2) === m, "λ = 0 is the model itself")
        // Prototypes come from the smoothed labels: (0.5, 0.5) is in none.
        #expect(s.prototypeKeys(label: 1).isEmpty && m.prototypeKeys(label: 1) == [3])
        let again = try m.smoothed(lambda: 0.5, smoothK: 2)
        #expect(try m.smoothed(lambda: 0.5, smoothK: 2) === again)
        try m.add(key: 5, features: [4], labels: [0.9, 0.1])
        #expect(try m.smoothed(lambda: 0.5, smoothK: 2) !== again, "an add drops the cache")
    }

    @Test func errors() throws {
        let m = try LabelNoiseTests.model()
        for lambda in [-0.1, 1.1, .nan] {
            expectError(.invalidParameter, "lambda \(lambda)") { _ = try m.smoothed(lambda: lambda) }
        }
        expectError(.invalidParameter, "smooth_k 0") { _ = try m.smoothed(lambda: 0.5, smoothK: 0) }
        expectError(.invalidParameter, "M <= smooth_k") { _ = try m.smoothed(lambda: 0.5) }
    }
}
