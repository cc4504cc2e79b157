import Foundation
import Testing

@testable import LDLCore

/// NEIGHBOURS.md F3.1: leave-one-out predictions and the label-noise report.
@Suite struct LabelNoiseTests {
    /// keys 1–4, x = {0},{1},{2},{3}, d = (0.9,0.1),(0.9,0.1),(0.1,0.9),(0.9,0.1).
    static func model() throws -> Model {
        let m = try Model(featureCount: 1, labelCount: 2)
        let d: [[Double]] = [[0.9, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.1]]
        for i in 0..<4 { try m.add(key: Int64(i + 1), features: [Double(i)], labels: d[i]) }
        return m
    }

    @Test func specCase() throws {
        let rows = try Self.model().labelNoise(method: .aaknn(k: 2))
        #expect(rows.map(\.key) == [3, 1, 2, 4])
        #expect(rows.map(\.rank) == [1, 2, 3, 4])
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { ($0.key, $0) })
        for key: Int64 in [1, 2, 4] {
            let r = try #require(byKey[key])
            expectClose(r.neighbourLabels, [0.5, 0.5], tolerance: 1e-12, "key \(key)")
            #expect(abs(r.score - 0.3680642072) <= 1e-9)
            #expect(!r.disagrees && r.topLabel == 0 && r.neighbourTopLabel == 0, "(0.5, 0.5) ties go to label 1")
        }
        let three = try #require(byKey[3])
        expectClose(three.neighbourLabels, [0.9, 0.1], tolerance: 1e-12)
        expectClose(three.labels, [0.1, 0.9], tolerance: 0)
        #expect(abs(three.score - 1.7577796619) <= 1e-9 && abs(three.score - 0.8 * log(9)) <= 1e-12)
        #expect(three.disagrees && three.topLabel == 1 && three.neighbourTopLabel == 0)

        let cosine = try Self.model().labelNoise(method: .aaknn(k: 2), score: .cosine)
        #expect(cosine.first?.key == 3 && abs((cosine.first?.score ?? 0) - 0.7804878049) <= 1e-9)
        for r in cosine.dropFirst() { #expect(abs(r.score - 0.2191311906) <= 1e-9) }
        #expect(cosine.dropFirst().map(\.key) == [1, 2, 4], "equal scores rank by lowest key")
    }

    @Test func errors() throws {
        let m = try Self.model()
        expectError(.invalidParameter, "M <= k") { _ = try m.labelNoise(method: .aaknn(k: 4)) }
        expectError(.invalidParameter, "kernel M <= k") { _ = try m.labelNoise(method: .kernel(k: 5)) }
        expectError(.invalidParameter, "unknown method") { _ = try LabelNoise.method(named: "prior") }
        expectError(.invalidParameter, "unknown score") { _ = try MetricKind.parse("kullback") }
        expectError(.invalidParameter, "k 0") { _ = try m.labelNoise(method: .aaknn(k: 0)) }
        let one = try Model(featureCount: 1, labelCount: 2)
        try one.add(key: 1, features: [0], labels: [1, 0])
        expectError(.invalidParameter, "one row") { _ = try one.labelNoise(method: .uaknn()) }
        #expect(try LabelNoise.method(named: "KERNEL", k: 3, bandwidth: 2) == .kernel(k: 3, bandwidth: 2))
        var calls = 0
        expectError(.cancelled) {
            _ = try m.labelNoise(method: .aaknn(k: 2), isCancelled: { calls += 1; return calls > 1 })
        }
    }

    /// A leave-one-out prediction is the prediction of the model without the row, bit for bit.
    @Test func leaveOneOutEqualsModelWithoutTheRow() throws {
        let (f, l) = Fixtures.sjaffe
        let rows = Array(0..<60)
        let full = try Fixtures.sjaffeModel(0..<60)
        let methods: [Method] = [
            .aaknn(k: 5), .kernel(k: 8), .kernel(k: 8, bandwidth: 30), .kernel(KernelOptions(k: 0, bandwidth: 25)),
            .uaknn(), .uaknn(UAKNNOptions(prototypes: false)), .uaknn(UAKNNOptions(mode: .sampled, seed: 4)),
            .wuaknn(softmaxBase: 3), .mix([.aaknn(k: 3), .wuaknn()], weights: [1, 3]),
            .kernel(KernelOptions(k: 6, bandwidth: 30, fallback: .uaknn())),
        ]
        for method in methods {
            let loo = try full.leaveOneOutPredictions(method: method)
            #expect(loo.map(\.key) == rows.map { Int64($0) })
            for i in stride(from: 0, to: 60, by: 7) {
                let without = try Model(featureCount: f[0].count, labelCount: l[0].count)
                for r in rows where r != i { try without.add(key: Int64(r), features: f[r], labels: l[r]) }
                #expect(loo[i].prediction == (try without.predict(f[i], method: method)), "\(method) row \(i)")
            }
        }
        // The prior is recomputed without the row, to rounding.
        let loo = try full.leaveOneOutPredictions(method: .prior)
        for i in [0, 31, 59] {
            let without = try Model(featureCount: f[0].count, labelCount: l[0].count)
            for r in rows where r != i { try without.add(key: Int64(r), features: f[r], labels: l[r]) }
            expectClose(loo[i].prediction, try without.predict(f[i], method: .prior), tolerance: 1e-15, "prior")
        }
    }

    /// Weights: a zero-weight row is still scored but serves no other row.
    @Test func weightsInLeaveOneOut() throws {
        let m = try Model(featureCount: 1, labelCount: 2)
        let d: [[Double]] = [[0.9, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.1]]
        for i in 0..<4 { try m.add(key: Int64(i + 1), features: [Double(i)], labels: d[i], weight: i == 1 ? 0 : 1) }
        let rows = try m.labelNoise(method: .aaknn(k: 2))
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { ($0.key, $0.neighbourLabels) })
        expectClose(byKey[1] ?? [], [0.5, 0.5], tolerance: 1e-12, "key 1 from keys 3, 4")
        expectClose(byKey[2] ?? [], [0.5, 0.5], tolerance: 1e-12, "key 2 from keys 1, 3")
        expectClose(byKey[3] ?? [], [0.9, 0.1], tolerance: 1e-12, "key 3 from keys 4, 1")
    }

    /// UAKNN without the row: a label whose only prototype member is the row drops out.
    @Test func uaknnRebuildsPrototypesWithoutTheRow() throws {
        let m = try Model(featureCount: 2, labelCount: 3)
        try m.add(key: 1, features: [1, 0], labels: [0.8, 0.1, 0.1])
        try m.add(key: 2, features: [0, 1], labels: [0.1, 0.8, 0.1])
        try m.add(key: 3, features: [1, 1], labels: [0.1, 0.1, 0.8])
        try m.add(key: 4, features: [1, 0.2], labels: [0.7, 0.2, 0.1])
        let loo = try m.leaveOneOutPredictions(method: .wuaknn())
        let without = try Model(featureCount: 2, labelCount: 3)
        try without.add(key: 1, features: [1, 0], labels: [0.8, 0.1, 0.1])
        try without.add(key: 2, features: [0, 1], labels: [0.1, 0.8, 0.1])
        try without.add(key: 4, features: [1, 0.2], labels: [0.7, 0.2, 0.1])
        #expect(loo[2].prediction == (try without.predict([1, 1], method: .wuaknn())))
        // With only one row in any prototype, leaving it out empties them all.
        let lone = try Model(featureCount: 1, labelCount: 2)
        try lone.add(key: 1, features: [1], labels: [1, 0])
        try lone.add(key: 2, features: [2], labels: [0.5, 0.5])
        expectError(.notReady, "every prototype empty without key 1") { _ = try lone.labelNoise(method: .uaknn()) }
    }

    /// The last leave-one-out set is kept per model contents: asked again it
    /// is the same; after an `add` (what an INSERT does to a cached model) it
    /// is that of the new contents, as a fresh model's.
    @Test func leaveOneOutCacheFollowsTheContents() throws {
        let m = try Self.model()
        let first = try m.labelNoise(method: .aaknn(k: 2))
        #expect(try m.labelNoise(method: .aaknn(k: 2)) == first, "asked again")
        #expect(try m.labelNoise(method: .aaknn(k: 3)) != first, "another method is computed, not taken from the cache")
        try m.add(key: 5, features: [2.1], labels: [0.1, 0.9])
        let fresh = try Self.model()
        try fresh.add(key: 5, features: [2.1], labels: [0.1, 0.9])
        let after = try m.labelNoise(method: .aaknn(k: 2))
        #expect(after == (try fresh.labelNoise(method: .aaknn(k: 2))), "after add: the new contents")
        expectClose(after.first { $0.key == 3 }?.neighbourLabels ?? [], [0.5, 0.5], tolerance: 1e-12, "key 3: keys 5 and 2 now")
        let support = try m.labelSupport(k: 1, evaluate: .aaknn(k: 2))
        #expect(support == (try fresh.labelSupport(k: 1, evaluate: .aaknn(k: 2))))
    }

    /// F3.1's bar: 2,500 rows x 243 features in at most 10 s (release; `UAKNN_BENCH=1`).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["UAKNN_BENCH"] == "1"))
    func leaveOneOutTiming() throws {
        var rng = TestRandom(11)
        let m = try Model(featureCount: 243, labelCount: 6)
        for i in 0..<2500 {
            try m.add(key: Int64(i), features: (0..<243).map { _ in Double.random(in: 0...1, using: &rng) }, labels: rng.distribution(6))
        }
        let clock = ContinuousClock()
        for method: Method in [.aaknn(k: 15), .kernel(KernelOptions(k: 15, rule: .median)), .uaknn(), .wuaknn()] {
            let t = clock.measure { _ = try? m.labelNoise(method: method) }
            print("label noise, 2500 x 243, \(method.name): \(t)")
            #expect(t < .seconds(10))
        }
    }
}
