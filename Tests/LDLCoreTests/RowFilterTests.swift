import Testing

@testable import LDLCore

/// Row filters: a filtered model predicts what a model of the rows it lets
/// through predicts, in every storage mode.
@Suite struct RowFilterTests {
    static let modes: [StorageMode] = [.dense, .sparse, .float4]
    static let methods: [Method] = [
        .uaknn(), .uaknn(UAKNNOptions(prototypes: false)), .wuaknn(), .aaknn(), .aaknn(k: 1), .kernel(k: 7),
        .mix([.uaknn(), .aaknn(k: 3)]),
    ]
    static let rows = StorageFixtures.sparseRows(seed: 31, rows: 120, n: 20, l: 4, density: 0.15)

    /// Cross-validation: the training rows of a model of every row.
    @Test(arguments: modes)
    func includeEqualsAModelOfThoseRows(mode: StorageMode) throws {
        let full = try StorageFixtures.model(Self.rows, n: 20, l: 4, mode: mode)
        let isTest = (0..<Self.rows.count).map { $0 % 5 == 2 }
        let train = try StorageFixtures.model(
            Self.rows.indices.filter { !isTest[$0] }.map { Self.rows[$0] }, n: 20, l: 4, mode: mode)
        let queries = Self.rows.indices.filter { isTest[$0] }.map { Self.rows[$0].1 }
        let filter = RowFilter(include: { !isTest[$0] })
        for m in Self.methods {
            let a = try full.predictBatch(queries.flatMap { $0 }, count: queries.count, method: m, filter: filter)
            let b = try train.predictBatch(queries.flatMap { $0 }, count: queries.count, method: m)
            #expect(a == b, "\(mode) \(m)")
        }
        let excluded = Set(Self.rows.indices.filter { isTest[$0] })
        let a = try full.predictBatch(queries.flatMap { $0 }, count: queries.count, filter: RowFilter(excluding: excluded))
        #expect(a == (try train.predictBatch(queries.flatMap { $0 }, count: queries.count)))
        let only = Set(Self.rows.indices.filter { !isTest[$0] })
        let b = try full.predictBatch(queries.flatMap { $0 }, count: queries.count, method: .aaknn(), filter: RowFilter(only: only))
        #expect(b == (try train.predictBatch(queries.flatMap { $0 }, count: queries.count, method: .aaknn())))
    }

    /// Leave-one-out: each query leaves out its own row, in one batch.
    @Test(arguments: modes)
    func leaveOneOutInOneBatch(mode: StorageMode) throws {
        let full = try StorageFixtures.model(Self.rows, n: 20, l: 4, mode: mode)
        let picked = Array(stride(from: 0, to: Self.rows.count, by: 7))
        let queries = picked.map { Self.rows[$0].1 }
        let filter = RowFilter(excludedPerQuery: picked)
        for m in Self.methods {
            let batch = try full.predictBatch(queries.flatMap { $0 }, count: queries.count, method: m, filter: filter)
            for (b, r) in picked.enumerated() {
                var others = Self.rows
                others.remove(at: r)
                let without = try StorageFixtures.model(others, n: 20, l: 4, mode: mode)
                let want = try without.predict(Self.rows[r].1, method: m)
                #expect(Array(batch[(b * 4)..<((b + 1) * 4)]) == want, "\(mode) \(m) row \(r)")
            }
        }
        // The scans take the filter too, and a query's own row is then not its nearest.
        let q = Self.rows[14].1
        let set = try q.withUnsafeBufferPointer { p in
            try full.scanNearest(
                queries: p, queryCount: 1, k: 3, metric: .euclidean, isCancelled: { false },
                filter: RowFilter(excludedPerQuery: [14]))
        }
        #expect(!set[0].ascending().contains { $0.index == 14 })
        // Itself, as stored (float4 rounds it).
        #expect(try full.nearestSamples(q, k: 1).first.map { $0.squaredDistance < 1e-12 } == true)
        #expect(try full.nearestSamples(q, k: 120, filter: RowFilter(excludedPerQuery: [14])).count == 119)
    }

    @Test func badFiltersAreRefused() throws {
        let model = try StorageFixtures.model(Self.rows, n: 20, l: 4, mode: .sparse)
        let q = Self.rows[0].1 + Self.rows[1].1
        expectError(.invalidParameter, "one entry per query") {
            _ = try model.predictBatch(q, count: 2, filter: RowFilter(excludedPerQuery: [1]))
        }
        for m in Self.methods {
            expectError(.notReady, "nothing passes: \(m)") {
                _ = try model.predictBatch(q, count: 2, method: m, filter: RowFilter(include: { _ in false }))
            }
        }
        // Only rows in no prototype: UAKNN has nothing to match, AA-kNN does.
        let model2 = try Model(featureCount: 2, labelCount: 2)
        try model2.add(key: 1, features: [1, 0], labels: [0.9, 0.1])
        try model2.add(key: 2, features: [0, 1], labels: [0.5, 0.5])
        let onlyUniform = RowFilter(include: { $0 == 1 })
        expectError(.notReady, "no prototype member") { _ = try model2.predictBatch([1, 1], count: 1, filter: onlyUniform) }
        #expect(try model2.predictBatch([1, 1], count: 1, method: .aaknn(), filter: onlyUniform) == [0.5, 0.5])
        // An index that is no sample's excludes nothing.
        #expect(
            try model2.predictBatch([1, 1], count: 1, method: .aaknn(k: 2), filter: RowFilter(excludedPerQuery: [-1]))
                == model2.predictBatch([1, 1], count: 1, method: .aaknn(k: 2)))
    }
}
