import Foundation
import Testing

@testable import LDLCore

/// Models of the same rows in every storage mode.
enum StorageFixtures {
    /// Every method and ablation the core predicts with.
    static let methods: [Method] = [
        .uaknn(), .uaknn(UAKNNOptions(prototypes: false)), .uaknn(UAKNNOptions(mode: .sampled, seed: 3)),
        .uaknn(UAKNNOptions(normalization: .linear, perturbation: false)), .wuaknn(), .aaknn(), .aaknn(k: 1),
        .aaknn(k: 9), .kernel(), .kernel(k: 4, bandwidth: 0.5), .mix([.uaknn(), .aaknn(k: 3)]),
    ]

    /// `rows` (key, features, labels) in a new model of `mode`.
    static func model(
        _ rows: [(Int64, [Double], [Double])], n: Int, l: Int, mode: StorageMode, finish: Bool = true
    ) throws -> Model {
        let model = try Model(featureCount: n, labelCount: l, storage: mode)
        for (k, f, d) in rows { try model.add(key: k, features: f, labels: d) }
        if finish { model.finishLoad() }
        return model
    }

    /// Rows of a feature and a label matrix, keyed by row number.
    static func rows(_ f: [[Double]], _ l: [[Double]], _ range: Range<Int>) -> [(Int64, [Double], [Double])] {
        range.map { (Int64($0), f[$0], l[$0]) }
    }

    /// Sparse rows (about `density` non-zero) with traps for the sparse
    /// Euclidean path: exact duplicates, rows differing in one tiny value,
    /// scaled copies (equal cosines), zero rows, keys not in insertion order.
    static func sparseRows(seed: UInt64, rows: Int, n: Int, l: Int, density: Double) -> [(Int64, [Double], [Double])] {
        var rng = TestRandom(seed)
        var result: [(Int64, [Double], [Double])] = []
        for i in 0..<rows {
            var f = (0..<n).map { _ in
                Double.random(in: 0...1, using: &rng) < density ? Double(Int.random(in: -4...4, using: &rng)) / 4 : 0
            }
            switch i % 9 {
            case 3: if let prior = result.randomElement(using: &rng) { f = prior.1 }
            case 5:
                if let prior = result.randomElement(using: &rng) {
                    f = prior.1
                    let c = Int.random(in: 0..<n, using: &rng)
                    f[c] += f[c] == 0 ? 1e-9 : f[c].ulp * 3
                }
            case 7: if let prior = result.randomElement(using: &rng) { f = prior.1.map { $0 * 2 } }
            case 8: if i % 27 == 8 { f = Array(repeating: 0, count: n) }
            default: break
            }
            result.append((Int64(1000 - 3 * i), f, rng.distribution(l)))
        }
        return result
    }

    /// Queries: fresh random ones, stored rows, and stored rows nudged by an ulp.
    static func queries(_ rows: [(Int64, [Double], [Double])], n: Int, seed: UInt64, density: Double) -> [[Double]] {
        var rng = TestRandom(seed)
        var q = (0..<12).map { _ in
            (0..<n).map { _ in Double.random(in: 0...1, using: &rng) < density ? Double.random(in: -1...1, using: &rng) : 0 }
        }
        for i in stride(from: 0, to: rows.count, by: max(1, rows.count / 10)) {
            q.append(rows[i].1)
            var nudged = rows[i].1
            let c = i % n
            nudged[c] = nudged[c].nextUp
            q.append(nudged)
        }
        return q
    }

    /// Expects every method to predict exactly alike on both models, alone and
    /// in a batch, and UAKNN's explanations (matched keys, μ) to agree.
    static func expectSamePredictions(
        _ a: Model, _ b: Model, queries: [[Double]], methods: [Method] = methods, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let flat = queries.flatMap { $0 }
        let L = a.labelCount
        for m in methods {
            let x = try a.predictBatch(flat, count: queries.count, method: m)
            let y = try b.predictBatch(flat, count: queries.count, method: m)
            #expect(x == y, "\(what): \(m) batch", sourceLocation: sourceLocation)
            for (i, q) in queries.enumerated() where i % 3 == 0 {
                let single = try b.predict(q, method: m)
                #expect(single == Array(y[(i * L)..<((i + 1) * L)]), "\(what): \(m) query \(i) alone vs batch",
                    sourceLocation: sourceLocation)
            }
        }
        for q in queries.prefix(12) {
            #expect(try a.explain(q) == b.explain(q), "\(what): explain", sourceLocation: sourceLocation)
            let ablation = UAKNNOptions(prototypes: false)
            #expect(try a.explain(q, options: ablation) == b.explain(q, options: ablation), "\(what): explain ablation",
                sourceLocation: sourceLocation)
        }
    }
}

/// The sparse layout predicts exactly what the dense one does: scores, ties
/// and so every method's output, bit for bit, in either kernel build.
@Suite struct StorageEquivalenceTests {
    @Test(arguments: [(1 as UInt64, 7, 0.3), (2, 9, 0.1), (3, 33, 0.05), (4, 64, 0.02), (5, 130, 0.04), (6, 1, 0.5), (7, 3, 0.4)])
    func sparseEqualsDense(seed: UInt64, n: Int, density: Double) throws {
        let rows = StorageFixtures.sparseRows(seed: seed, rows: 150, n: n, l: 4, density: density)
        let dense = try StorageFixtures.model(rows, n: n, l: 4, mode: .dense)
        let sparse = try StorageFixtures.model(rows, n: n, l: 4, mode: .sparse)
        #expect(sparse.storageMode == .sparse)
        #expect(dense.storageMode == .dense)
        let queries = StorageFixtures.queries(rows, n: n, seed: seed &+ 9, density: density)
        try StorageFixtures.expectSamePredictions(dense, sparse, queries: queries, "n=\(n)")
    }

    /// The spec's SJAFFE split, sparse against the dense model (and `auto`
    /// chooses dense for SJAFFE, whose features are all non-zero).
    @Test func sjaffe() throws {
        let (f, l) = Fixtures.sjaffe
        let rows = StorageFixtures.rows(f, l, 0..<170)
        let dense = try StorageFixtures.model(rows, n: 243, l: 6, mode: .dense)
        let sparse = try StorageFixtures.model(rows, n: 243, l: 6, mode: .sparse)
        let auto = try StorageFixtures.model(rows, n: 243, l: 6, mode: .auto)
        #expect(auto.storageMode == .dense)
        let queries = Array(f[170..<213]) + [f[0], f[8], f[100]]
        try StorageFixtures.expectSamePredictions(dense, sparse, queries: queries, "SJAFFE")
    }

    /// Part of Movie (1% non-zero, many exact ties): sparse, auto and dense agree.
    @Test(.enabled(if: SharedDatasets.has("Movie"), "the shared datasets (Movie) are not present: skipped"))
    func movieSubset() throws {
        let (f, l) = try SharedDatasets.load("Movie", limit: 800)
        let rows = StorageFixtures.rows(f, l, 0..<700)
        let dense = try StorageFixtures.model(rows, n: 1869, l: 5, mode: .dense)
        let sparse = try StorageFixtures.model(rows, n: 1869, l: 5, mode: .sparse)
        let auto = try StorageFixtures.model(rows, n: 1869, l: 5, mode: .auto)
        #expect(auto.storageMode == .sparse)
        #expect(sparse.memoryBytes * 20 < dense.memoryBytes, "\(sparse.memoryBytes) vs \(dense.memoryBytes)")
        let queries = Array(f[700..<720]) + [f[0], f[5], f[77]]
        let methods: [Method] = [.uaknn(), .uaknn(UAKNNOptions(prototypes: false)), .wuaknn(), .aaknn(), .kernel()]
        try StorageFixtures.expectSamePredictions(dense, sparse, queries: queries, methods: methods, "Movie")
        try StorageFixtures.expectSamePredictions(dense, auto, queries: Array(queries.prefix(8)), methods: methods, "Movie auto")
    }

    /// Rows that make `|q|² + |x|² - 2q·x` cancel or tie: equal to the query,
    /// duplicates under other keys, one ulp apart, scaled, mirrored, zero,
    /// with squares near overflow and underflow. The k nearest (keys, order,
    /// distances) of every k are the dense layout's.
    @Test func tiesAndCancellation() throws {
        let n = 13
        var b = [Double](repeating: 0, count: n)
        b[1] = 0.3
        b[4] = 1e-3
        b[9] = -2.5
        b[12] = 0.7  // a feature past the last full chunk of four
        func with(_ c: Int, _ v: Double) -> [Double] {
            var x = b
            x[c] = v
            return x
        }
        let vectors: [(Int64, [Double])] = [
            (50, b), (10, b), (30, with(1, b[1].nextUp)), (20, with(9, b[9].nextDown)), (40, with(6, 1e-9)),
            (5, b.map { $0 * 2 }), (60, b.map { -$0 }), (70, with(12, 0)), (80, [Double](repeating: 0, count: n)),
            (90, b.map { $0 * 1e150 }), (95, b.map { $0 * 1e200 }), (97, b.map { $0 * 1e-160 }), (15, b),
            (99, with(4, 1e-3 + 1e-19)), (7, with(0, 1e-300)),
        ]
        var rng = TestRandom(3)
        let rows = vectors.map { ($0.0, $0.1, rng.distribution(3)) }
        let dense = try StorageFixtures.model(rows, n: n, l: 3, mode: .dense)
        let sparse = try StorageFixtures.model(rows, n: n, l: 3, mode: .sparse)
        var queries = vectors.map(\.1)
        queries += [with(1, b[1].nextDown), b.map { $0 * 3 }, with(5, -1e-9), with(12, 0.7 + 1e-15)]
        for q in queries {
            var unit = [Double](repeating: 0, count: n)
            unit.withUnsafeMutableBufferPointer { u in q.withUnsafeBufferPointer { Similarity.normalize($0, into: u) } }
            for k in [1, 2, 3, 5, 8, rows.count] {
                for (metric, input) in [(Model.Metric.euclidean, q), (.cosine, unit)] {
                    let sets = try [dense, sparse].map { model in
                        try input.withUnsafeBufferPointer { p in
                            try model.scanNearest(queries: p, queryCount: 1, k: k, metric: metric, isCancelled: { false })
                        }
                    }
                    let x = sets[0][0].ascending(), y = sets[1][0].ascending()
                    #expect(x.map(\.key) == y.map(\.key), "\(metric) k=\(k) q=\(q)")
                    #expect(x.map(\.distance.bitPattern) == y.map(\.distance.bitPattern), "\(metric) k=\(k) q=\(q)")
                }
            }
        }
        try StorageFixtures.expectSamePredictions(dense, sparse, queries: queries, "ties")
        // The query equal to rows 50, 10 and 15 is at distance 0 from them, and
        // from row 7 too, whose one difference (1e-300) squares to 0: lowest keys first.
        let nearest = try sparse.nearestSamples(b, k: 4)
        #expect(nearest.map(\.key) == [7, 10, 15, 50])
        #expect(nearest.map(\.squaredDistance) == [0, 0, 0, 0])
        #expect(try dense.nearestSamples(b, k: 4) == nearest)
    }

    /// Clouds of rows within 1e-9 relative of one large-norm vector: the fast
    /// distance cancels to noise, so almost every row is refined; the k
    /// nearest must still be the dense layout's exactly.
    @Test(arguments: [1 as UInt64, 2, 3])
    func nearDuplicateClouds(seed: UInt64) throws {
        var rng = TestRandom(seed)
        let n = 30
        let base = (0..<n).map { c in c % 4 == 1 ? Double.random(in: 500...2000, using: &rng) : 0 }
        func near() -> [Double] {
            var x = base
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let c = Int.random(in: 0..<n, using: &rng)
                x[c] += [1e-9, -3e-7, x[c].ulp, -x[c].ulp, 2e-12].randomElement(using: &rng) ?? 0
            }
            return x
        }
        let rows = (0..<300).map { i in (Int64((i * 37) % 300), near(), rng.distribution(3)) }
        let dense = try StorageFixtures.model(rows, n: n, l: 3, mode: .dense)
        let sparse = try StorageFixtures.model(rows, n: n, l: 3, mode: .sparse)
        let queries = (0..<10).map { _ in near() } + [base]
        for q in queries {
            for k in [1, 3, 10, 64] {
                #expect(try dense.nearestSamples(q, k: k) == sparse.nearestSamples(q, k: k), "k=\(k)")
            }
        }
        try StorageFixtures.expectSamePredictions(
            dense, sparse, queries: queries, methods: [.aaknn(), .aaknn(k: 1), .kernel(), .uaknn(), .wuaknn()], "cloud")
    }

    /// Random shapes with extreme values: both layouts give the same result,
    /// or the same error.
    @Test(arguments: 1...20)
    func extremeValues(seed: Int) throws {
        var rng = TestRandom(UInt64(seed))
        let n = Int.random(in: 1...11, using: &rng)
        let specials: [Double] = [0, -0.0, 0, 0, 1e308, -1e308, 1e-320, 1e-160, 1e154, 3, -0.5]
        func value() -> Double {
            Int.random(in: 0..<3, using: &rng) == 0 ? specials.randomElement(using: &rng) ?? 0 : 0
        }
        let rows = (0..<Int.random(in: 1...40, using: &rng)).map { i in
            (Int64(i * 7 % 40), (0..<n).map { _ in value() }, rng.distribution(3))
        }
        let dense = try StorageFixtures.model(rows, n: n, l: 3, mode: .dense)
        let sparse = try StorageFixtures.model(rows, n: n, l: 3, mode: .sparse)
        let queries = (0..<6).map { _ in (0..<n).map { _ in value() } } + rows.prefix(3).map(\.1)
        for m in StorageFixtures.methods {
            for q in queries {
                let a = Result { try dense.predict(q, method: m) }
                let b = Result { try sparse.predict(q, method: m) }
                switch (a, b) {
                case (.success(let x), .success(let y)):
                    #expect(x.map(\.bitPattern) == y.map(\.bitPattern), "\(m) \(q)")
                case (.failure(let x as LDLError), .failure(let y as LDLError)):
                    #expect(x.kind == y.kind && x.message == y.message, "\(m) \(q)")
                default:
                    Issue.record("\(m) \(q): \(a) vs \(b)")
                }
            }
        }
    }
}
