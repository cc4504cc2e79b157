import Testing

@testable import LDLCore

@Suite struct BatchTests {
    static let methods: [Method] = IncrementalTests.methods + [.uaknn(UAKNNOptions(normalization: .linear, perturbation: false))]

    @Test(arguments: [0, 1, 5, 9, 43, 130])
    func batchEqualsOneByOne(count: Int) throws {
        let model = try Fixtures.sjaffeModel(0..<170)
        let rows = (0..<count).map { 170 + $0 % 43 }
        let queries = rows.flatMap { Fixtures.sjaffe.features[$0] }
        for m in Self.methods {
            let batch = try model.predictBatch(queries, count: count, method: m)
            let single = try rows.flatMap { try model.predict(Fixtures.sjaffe.features[$0], method: m) }
            #expect(batch == single, "\(m)")
        }
    }

    /// One query in sampled mode can draw millions of normals: the draws of
    /// each prototype are preceded by a poll, so a single query stops too.
    @Test func oneSampledQueryPollsBeforeEachPrototypesDraws() throws {
        let model = try Model(featureCount: 2, labelCount: 3)
        try model.add(key: 1, features: [1, 0], labels: [0.7, 0.2, 0.1])  // prototype of label 1
        try model.add(key: 2, features: [0, 1], labels: [0.1, 0.2, 0.7])  // prototype of label 3
        let query: [Double] = [0.5, 0.5]
        func polls(_ method: Method, cancelAt: Int = .max) -> (count: Int, cancelled: Bool) {
            var count = 0
            var cancelled = false
            var out = [Double](repeating: 0, count: 3)
            query.withUnsafeBufferPointer { q in
                out.withUnsafeMutableBufferPointer { o in
                    do {
                        try model.predictBatch(q, count: 1, method: method, into: o, isCancelled: {
                            count += 1
                            return count >= cancelAt
                        })
                    } catch let error as LDLError {
                        cancelled = error.kind == .cancelled
                    } catch {}
                }
            }
            return (count, cancelled)
        }
        let sampled = Method.uaknn(UAKNNOptions(samples: 1000, mode: .sampled))
        let scan = polls(.uaknn()).count
        #expect(polls(sampled).count == scan + 2, "one poll before each of the 2 prototypes' draws")
        #expect(polls(sampled, cancelAt: scan + 1).cancelled, "a true poll before the draws stops the query")
        #expect(try model.predict(query, method: sampled) == model.predictBatch(query, count: 1, method: sampled))
    }

    @Test func cancellationStopsTheBatch() throws {
        var rng = TestRandom(5)
        let n = 16
        let model = try Model(featureCount: n, labelCount: 3)
        for i in 0..<5000 {
            try model.add(key: Int64(i), features: (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }, labels: rng.distribution(3))
        }
        let count = 40
        let queries = (0..<(count * n)).map { _ in Double.random(in: -1...1, using: &rng) }
        var out = [Double](repeating: 0, count: count * 3)
        for m in [Method.uaknn(), .aaknn(), .kernel(), .uaknn(UAKNNOptions(prototypes: false)), .mix([.uaknn(), .wuaknn()])] {
            var polls = 0
            let error: LDLError? = queries.withUnsafeBufferPointer { q -> LDLError? in
                out.withUnsafeMutableBufferPointer { o -> LDLError? in
                    do {
                        try model.predictBatch(q, count: count, method: m, into: o, isCancelled: {
                            polls += 1
                            return polls > 3
                        })
                        return nil
                    } catch let error as LDLError {
                        return error
                    } catch {
                        return nil
                    }
                }
            }
            #expect(error?.kind == .cancelled, "\(m)")
            #expect(polls == 4, "stops at the first true poll")
        }
        // A check that never fires lets the batch finish, and it is polled.
        var polls = 0
        try queries.withUnsafeBufferPointer { q in
            try out.withUnsafeMutableBufferPointer { o in
                try model.predictBatch(q, count: count, method: .uaknn(), into: o, isCancelled: {
                    polls += 1
                    return false
                })
            }
        }
        #expect(polls > 5000 / Model.pollInterval, "polled during the scan: \(polls)")
        #expect(abs(out[0] + out[1] + out[2] - 1) < 1e-12)
    }

    @Test func blockSizes() {
        #expect(Model.blockSize(featureCount: 1869, labelCount: 5) == 64)
        #expect(Model.blockSize(featureCount: 5000, labelCount: 5) == 24)
        #expect(Model.blockSize(featureCount: 243, labelCount: 6) == 64)
        #expect(Model.blockSize(featureCount: 100_000, labelCount: 6) == 1)
        #expect(Model.blockSize(featureCount: 1, labelCount: Model.maximumLabelCount) == 1)
    }

    @Test func bulkAddCanBeCancelled() throws {
        let model = try Model(featureCount: 1, labelCount: 2)
        let keys = (0..<3000).map(Int64.init)
        let features = keys.map { Double($0) }
        let labels = keys.flatMap { _ in [0.5, 0.5] }
        var polls = 0
        expectError(.cancelled, "bulk add") {
            try keys.withUnsafeBufferPointer { k in
                try features.withUnsafeBufferPointer { f in
                    try labels.withUnsafeBufferPointer { l in
                        try model.add(keys: k, features: f, labels: l, isCancelled: {
                            polls += 1
                            return polls == 2
                        })
                    }
                }
            }
        }
        #expect(model.count == 1024)
    }
}

/// The scan kernel over shapes the fixtures miss: several feature tiles, a
/// feature count that is not a multiple of 4, a sample count that is not a
/// multiple of the row group, odd and even query counts.
@Suite struct KernelShapeTests {
    static func randomModel(samples: Int, features n: Int, seed: UInt64) throws -> Model {
        var rng = TestRandom(seed)
        let model = try Model(featureCount: n, labelCount: 4)
        for i in 0..<samples {
            // Mostly zeros, like the sparse datasets, plus a few exact duplicates (ties).
            let x = (0..<n).map { _ in Double.random(in: 0...1, using: &rng) < 0.2 ? Double.random(in: -2...2, using: &rng) : 0 }
            try model.add(key: Int64(1000 - i), features: x, labels: rng.distribution(4))
            if i % 7 == 3 { try model.add(key: Int64(5000 + i), features: x, labels: rng.distribution(4)) }
        }
        return model
    }

    @Test(arguments: [(1, 3), (2, 601), (3, 601), (4, 257), (5, 1031), (7, 9), (8, 9), (30, 601), (64, 513)])
    func batchEqualsOneByOne(count: Int, features n: Int) throws {
        let model = try Self.randomModel(samples: 23, features: n, seed: UInt64(n))
        var rng = TestRandom(UInt64(count))
        let queries = (0..<(count * n)).map { _ in Double.random(in: -1...1, using: &rng) }
        let methods: [Method] = [.uaknn(), .uaknn(UAKNNOptions(prototypes: false)), .wuaknn(), .aaknn(k: 3), .kernel(k: 5)]
        for m in methods {
            let batch = try model.predictBatch(queries, count: count, method: m)
            var single: [Double] = []
            for b in 0..<count { single += try model.predict(Array(queries[(b * n)..<((b + 1) * n)]), method: m) }
            #expect(batch == single, "\(m) n=\(n) count=\(count)")
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 7])
    func scoresMatchTheDefinition(queryCount: Int) {
        let n = 523
        var rng = TestRandom(UInt64(queryCount))
        let rows = (0..<(4 * n)).map { _ in Double.random(in: -3...3, using: &rng) }
        let queries = (0..<(queryCount * n)).map { _ in Double.random(in: -1...1, using: &rng) }
        var dots = [Double](repeating: 0, count: 4 * queryCount)
        var distances = dots
        let acc = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: 4 * queryCount)
        defer { acc.deallocate() }
        rows.withUnsafeBufferPointer { r in
            queries.withUnsafeBufferPointer { q in
                guard let x = r.baseAddress, let y = q.baseAddress else { return }
                for (metric, out) in [(Model.Metric.cosine, 0), (.euclidean, 1)] {
                    var s = [Double](repeating: 0, count: 4 * queryCount)
                    s.withUnsafeMutableBufferPointer { sb in
                        guard let sp = sb.baseAddress else { return }
                        Kernel.scoreGroup(
                            x, x + n, x + 2 * n, x + 3 * n, queries: y, queryCount: queryCount, n: n, metric: metric,
                            acc: acc, into: sp)
                    }
                    if out == 0 { dots = s } else { distances = s }
                }
            }
        }
        for r in 0..<4 {
            for b in 0..<queryCount {
                var dot = 0.0
                var d2 = 0.0
                for i in 0..<n {
                    dot += rows[r * n + i] * queries[b * n + i]
                    d2 += (rows[r * n + i] - queries[b * n + i]) * (rows[r * n + i] - queries[b * n + i])
                }
                #expect(abs(dots[r * queryCount + b] - dot) <= 1e-12 * Double(n) * 3)
                #expect(abs(distances[r * queryCount + b] - d2) <= 1e-12 * d2)
            }
        }
    }

    /// Whatever step shapes a block takes (4 x 3, 4 x 2 or 4 x 1 with
    /// `UAKNN_FMA`, 4 x 2 or 4 x 1 without), every pair gets the score it gets
    /// alone, bit for bit.
    @Test(arguments: [2, 3, 5, 6, 7, 8])
    func scoresDoNotDependOnTheBlock(queryCount: Int) {
        let n = 1031
        var rng = TestRandom(UInt64(100 + queryCount))
        let rows = (0..<(4 * n)).map { _ in Double.random(in: -3...3, using: &rng) }
        let queries = (0..<(queryCount * n)).map { _ in Double.random(in: -1...1, using: &rng) }
        let acc = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: 4 * queryCount)
        defer { acc.deallocate() }
        rows.withUnsafeBufferPointer { r in
            queries.withUnsafeBufferPointer { q in
                guard let x = r.baseAddress, let y = q.baseAddress else { return }
                for metric in [Model.Metric.cosine, .euclidean] {
                    var block = [Double](repeating: 0, count: 4 * queryCount)
                    block.withUnsafeMutableBufferPointer { sb in
                        guard let sp = sb.baseAddress else { return }
                        Kernel.scoreGroup(
                            x, x + n, x + 2 * n, x + 3 * n, queries: y, queryCount: queryCount, n: n, metric: metric,
                            acc: acc, into: sp)
                    }
                    for b in 0..<queryCount {
                        var alone = [Double](repeating: 0, count: 4)
                        alone.withUnsafeMutableBufferPointer { sb in
                            guard let sp = sb.baseAddress else { return }
                            Kernel.scoreGroup(
                                x, x + n, x + 2 * n, x + 3 * n, queries: y + b * n, queryCount: 1, n: n,
                                metric: metric, acc: acc, into: sp)
                        }
                        for row in 0..<4 {
                            #expect(block[row * queryCount + b] == alone[row], "\(metric) row \(row) query \(b)")
                        }
                    }
                }
            }
        }
    }

    /// The kernel fuses its multiply-adds exactly when the build says so
    /// (`UAKNN_FMA`): -1 + (1 + 2⁻³⁰)(1 - 2⁻³⁰) is -2⁻⁶⁰ with one rounding,
    /// 0 with two. In every step shape.
    @Test func fusedExactlyWithTheFlag() {
        let n = 8
        // Lane 0 takes feature 0 (-1 · 1), then feature 4; the other lanes are 0.
        var row = [Double](repeating: 0, count: n)
        row[0] = -1
        row[4] = 1 + 0x1p-30
        var query = [Double](repeating: 0, count: n)
        query[0] = 1
        query[4] = 1 - 0x1p-30
        let expected = Kernel.fused ? -0x1p-60 : 0
        for queryCount in 1...4 {
            let rows = Array([[Double]](repeating: row, count: 4).joined())
            let queries = Array([[Double]](repeating: query, count: queryCount).joined())
            var s = [Double](repeating: .nan, count: 4 * queryCount)
            let acc = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: 4 * queryCount)
            defer { acc.deallocate() }
            rows.withUnsafeBufferPointer { r in
                queries.withUnsafeBufferPointer { q in
                    s.withUnsafeMutableBufferPointer { sb in
                        guard let x = r.baseAddress, let y = q.baseAddress, let sp = sb.baseAddress else { return }
                        Kernel.scoreGroup(
                            x, x + n, x + 2 * n, x + 3 * n, queries: y, queryCount: queryCount, n: n, metric: .cosine,
                            acc: acc, into: sp)
                    }
                }
            }
            #expect(s == [Double](repeating: expected, count: 4 * queryCount), "\(queryCount) queries, fused: \(Kernel.fused)")
        }
    }
}
