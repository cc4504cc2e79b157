import Foundation
import Testing

@testable import LDLCore

@Suite struct IncrementalTests {
    static let methods: [Method] = [
        .uaknn(), .uaknn(UAKNNOptions(prototypes: false)), .uaknn(UAKNNOptions(mode: .sampled, seed: 3)),
        .wuaknn(), .aaknn(), .aaknn(k: 1), .kernel(), .kernel(k: 4, bandwidth: 0.5),
        .mix([.uaknn(), .aaknn(k: 3)]),
    ]

    /// Random data with deliberate duplicate rows, so that ties must be broken by key.
    static func data(seed: UInt64, rows: Int, n: Int, l: Int) -> [(Int64, [Double], [Double])] {
        var rng = TestRandom(seed)
        var result: [(Int64, [Double], [Double])] = []
        for i in 0..<rows {
            var f = (0..<n).map { _ in Double(Int.random(in: -3...3, using: &rng)) }
            if i % 4 == 3, let prior = result.randomElement(using: &rng) { f = prior.1 }
            result.append((Int64(i * 7 - 50), f, rng.distribution(l)))
        }
        return result
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func anyInsertionOrderGivesTheSamePredictions(seed: UInt64) throws {
        let rows = Self.data(seed: seed, rows: 60, n: 5, l: 4)
        let bulk = try Model(featureCount: 5, labelCount: 4)
        for (k, f, d) in rows { try bulk.add(key: k, features: f, labels: d) }
        var rng = TestRandom(seed &+ 100)
        let shuffled = try Model(featureCount: 5, labelCount: 4)
        for (k, f, d) in rows.shuffled(using: &rng) { try shuffled.add(key: k, features: f, labels: d) }
        for j in 0..<4 { #expect(bulk.prototypeKeys(label: j) == shuffled.prototypeKeys(label: j)) }
        var queries = Self.data(seed: seed &+ 50, rows: 10, n: 5, l: 4).map(\.1)
        queries.append(rows[3].1)  // a query equal to a stored (duplicated) sample
        for q in queries {
            for m in Self.methods {
                #expect(try bulk.predict(q, method: m) == shuffled.predict(q, method: m), "\(m)")
            }
            #expect(try bulk.explain(q) == shuffled.explain(q))
        }
    }

    @Test func tiesGoToTheLowestKey() throws {
        let model = try Model(featureCount: 2, labelCount: 2)
        try model.add(key: 9, features: [1, 0], labels: [0.9, 0.1])
        try model.add(key: 4, features: [2, 0], labels: [0.6, 0.4])  // same direction: same cosine
        try model.add(key: 6, features: [0, 1], labels: [0.2, 0.8])
        let e = try model.explain([1, 0.1])
        #expect(e.first?.key == 4)
        // Euclidean ties: query equidistant from keys 9 and 6 ([1,0] and [0,1]).
        let p = try model.predict([0.5, 0.5], method: .aaknn(k: 1))
        #expect(p == [0.2, 0.8])
    }

    @Test func bulkAddMatchesSingleAdds() throws {
        let rows = Self.data(seed: 11, rows: 30, n: 3, l: 3)
        let single = try Model(featureCount: 3, labelCount: 3)
        for (k, f, d) in rows { try single.add(key: k, features: f, labels: d) }
        let bulk = try Model(featureCount: 3, labelCount: 3)
        let keys = rows.map(\.0)
        let features = rows.flatMap(\.1)
        let labels = rows.flatMap(\.2)
        try keys.withUnsafeBufferPointer { k in
            try features.withUnsafeBufferPointer { f in
                try labels.withUnsafeBufferPointer { l in
                    try bulk.add(keys: k, features: f, labels: l, isCancelled: { false })
                }
            }
        }
        #expect(bulk.count == 30)
        #expect(try bulk.predict([1, 2, 3]) == single.predict([1, 2, 3]))
        #expect(bulk.memoryBytes > 30 * 3 * 8 * 2)
    }

    @Test func failedAddLeavesTheModelUnchanged() throws {
        let model = try Model(featureCount: 2, labelCount: 2)
        try model.add(key: 1, features: [1, 0], labels: [0.7, 0.3])
        let before = try model.predict([1, 1])
        expectError(.invalidParameter, "duplicate") { try model.add(key: 1, features: [0, 1], labels: [0.1, 0.9]) }
        expectError(.invalidParameter, "nan") { try model.add(key: 2, features: [.nan, 1], labels: [0.1, 0.9]) }
        #expect(model.count == 1)
        #expect(try model.predict([1, 1]) == before)
    }

    @Test func zeroVectorsHaveCosineZero() throws {
        let model = try Model(featureCount: 2, labelCount: 2)
        try model.add(key: 1, features: [0, 0], labels: [0.8, 0.2])
        try model.add(key: 2, features: [-1, 0], labels: [0.1, 0.9])
        let e = try model.explain([0, 0])
        #expect(e.map(\.mu) == [0, 0])
        let e2 = try model.explain([1, 0])
        #expect(e2.map(\.mu) == [0, -1])
    }

    @Test func cosineDoesNotDependOnScale() throws {
        // The fast path (q̂·x · 1/|x|) and the careful one (extreme magnitudes) agree.
        var rng = TestRandom(8)
        let rows = (0..<6).map { _ in (0..<5).map { _ in Double.random(in: -1...1, using: &rng) } }
        let direction = (0..<5).map { _ in Double.random(in: -1...1, using: &rng) }
        let query = direction.map { $0 * 1e-200 }  // a tiny query too; the oracle uses its direction
        for scale in [1.0, 1e300, 1e-300, 0x1p500, 0x1p-500, 0x1p501, 1e-320] {
            let model = try Model(featureCount: 5, labelCount: 2)
            for (i, r) in rows.enumerated() {
                try model.add(key: Int64(i), features: r.map { $0 * (i % 2 == 0 ? scale : 1) }, labels: [0.6, 0.4])
            }
            let got = try model.explain(query, options: UAKNNOptions(prototypes: false))
            let mu = got.map(\.mu)
            // Expected: cosines of the unscaled rows (scaling does not change a cosine),
            // up to the precision of the scaled values (1e-320 is subnormal: 4 digits).
            func cos(_ a: [Double], _ b: [Double]) -> Double {
                zip(a, b).map(*).reduce(0, +) / (a.map { $0 * $0 }.reduce(0, +).squareRoot() * b.map { $0 * $0 }.reduce(0, +).squareRoot())
            }
            let want = got.map { cos(rows[Int($0.key)], direction) }
            expectClose(mu, want, tolerance: scale == 1e-320 ? 1e-3 : 1e-14, "scale \(scale)")
            let best = rows.indices.map { cos(rows[$0], direction) }.max() ?? 0
            #expect(abs((mu.first ?? 0) - best) < (scale == 1e-320 ? 1e-3 : 1e-14))
        }
    }

    @Test func hugeFiniteValuesDoNotOverflow() throws {
        let model = try Model(featureCount: 2, labelCount: 2)
        try model.add(key: 1, features: [1e308, -1e308], labels: [0.8, 0.2])
        try model.add(key: 2, features: [-1e308, 1e308], labels: [0.1, 0.9])
        try model.add(key: 3, features: [1, 1], labels: [0.5, 0.5])
        for m in IncrementalTests.methods + [.kernel(k: 2), .kernel(k: 3, bandwidth: 1e-300)] {
            for q in [[1e308, -1e308], [-1.7e308, 1.7e308], [0, 0], [Double.leastNonzeroMagnitude, 0]] {
                let p = try model.predict(q, method: m)
                #expect(p.allSatisfy { $0.isFinite && $0 >= 0 }, "\(m) \(q): \(p)")
                #expect(abs(p.reduce(0, +) - 1) < 1e-9, "\(m) \(q): \(p)")
            }
        }
    }
}

@Suite struct KernelTests {
    @Test func adaptiveBandwidthWithAllNeighboursOnTheQueryIsTheirMean() throws {
        let model = try Model(featureCount: 1, labelCount: 2)
        try model.add(key: 1, features: [2], labels: [1, 0])
        try model.add(key: 2, features: [2], labels: [0, 1])
        try model.add(key: 3, features: [9], labels: [1, 0])
        #expect(try model.predict([2], method: .kernel(k: 2)) == [0.5, 0.5])
    }

    @Test func weightsFollowTheFormula() throws {
        let model = try Model(featureCount: 1, labelCount: 2)
        try model.add(key: 1, features: [0], labels: [1, 0])
        try model.add(key: 2, features: [1], labels: [0, 1])
        try model.add(key: 3, features: [3], labels: [0.5, 0.5])
        // k = 2, adaptive: s² = 1 (distance² to the 2nd neighbour), query at 0.
        let w1 = 1.0
        let w2 = exp(-1.0 / 2)
        let p = try model.predict([0], method: .kernel(k: 2))
        expectClose(p, [w1 / (w1 + w2), w2 / (w1 + w2)], tolerance: 1e-15)
        // k larger than the model: all samples; bandwidth 2.
        let v: [Double] = [1.0, exp(-1.0 / 8), exp(-9.0 / 8)]
        let s: Double = v[0] + v[1] + v[2]
        let want: [Double] = [(v[0] + 0.5 * v[2]) / s, (v[1] + 0.5 * v[2]) / s]
        let p2 = try model.predict([0], method: .kernel(k: 100, bandwidth: 2))
        expectClose(p2, want, tolerance: 1e-15)
        // AA-kNN with k beyond the model size averages all.
        expectClose(try model.predict([0], method: .aaknn(k: 10)), [0.5, 0.5], tolerance: 1e-15)
    }
}

@Suite struct MixTests {
    @Test func isTheMeanOfItsMembers() throws {
        let model = try Fixtures.sjaffeModel(0..<100)
        let q = Fixtures.sjaffe.features[150]
        let members: [Method] = [.uaknn(), .aaknn(k: 3), .kernel(), .uaknn(UAKNNOptions(variance: 0.2))]
        let parts = try members.map { try model.predict(q, method: $0) }
        let mean = (0..<6).map { k in parts.map { $0[k] }.reduce(0, +) / Double(members.count) }
        expectClose(try model.predict(q, method: .mix(members)), mean, tolerance: 1e-15)
        expectClose(try model.predict(q, method: .mix([.mix(members)])), mean, tolerance: 1e-15)
    }
}

@Suite struct PriorAndWeightedMixTests {
    /// NEIGHBOURS.md G3: keys with d = (1,0), (1,0), (0,1) give (2/3, 1/3) for any query.
    @Test func priorIsTheMeanDistribution() throws {
        let model = try Model(featureCount: 1, labelCount: 2)
        try model.add(key: 3, features: [3], labels: [0, 1])
        try model.add(key: 1, features: [0], labels: [1, 0])
        try model.add(key: 2, features: [1], labels: [1, 0])
        for q in [[0.0], [10.0], [-5.0]] {
            expectClose(try model.predict(q, method: .prior), [2.0 / 3, 1.0 / 3], tolerance: 1e-15)
        }
        try model.add(key: 4, features: [2], labels: [0, 1])
        expectClose(try model.predict([0], method: .prior), [0.5, 0.5], tolerance: 1e-15, "cache follows add")
    }

    @Test func priorIgnoresInsertionOrder() throws {
        let rows = IncrementalTests.data(seed: 9, rows: 40, n: 3, l: 4)
        let a = try Model(featureCount: 3, labelCount: 4)
        let b = try Model(featureCount: 3, labelCount: 4)
        for (k, f, d) in rows { try a.add(key: k, features: f, labels: d) }
        for (k, f, d) in rows.reversed() { try b.add(key: k, features: f, labels: d) }
        #expect(try a.predict([0, 0, 0], method: .prior) == b.predict([0, 0, 0], method: .prior))
    }

    /// TUNING.md: a one-member mix equals the member; weights are shares.
    @Test func weightedMix() throws {
        let model = try Fixtures.sjaffeModel(0..<100)
        let q = Fixtures.sjaffe.features[150]
        let a = try model.predict(q, method: .aaknn(k: 5))
        let b = try model.predict(q, method: .prior)
        #expect(try model.predict(q, method: .mix([.aaknn(k: 5)])) == a)
        #expect(try model.predict(q, method: .mix([.aaknn(k: 5)], weights: [3])) == a)
        let want = (0..<6).map { 0.25 * a[$0] + 0.75 * b[$0] }
        expectClose(try model.predict(q, method: .mix([.aaknn(k: 5), .prior], weights: [1, 3])), want, tolerance: 1e-15)
        expectClose(try model.predict(q, method: .mix([.aaknn(k: 5), .prior], weights: [0.25, 0.75])), want, tolerance: 1e-15)
        #expect(try model.predict(q, method: .mix([.aaknn(k: 5), .prior], weights: [1, 0])) == a)
    }

    @Test func badWeightsAreRefused() throws {
        let model = try Fixtures.sjaffeModel(0..<20)
        let q = Fixtures.sjaffe.features[150]
        for w: [Double] in [[1], [1, -1], [0, 0], [1, .nan], [1, .infinity]] {
            expectError(.invalidParameter, "weights \(w)") {
                _ = try model.predict(q, method: .mix([.prior, .aaknn()], weights: w))
            }
        }
    }
}
