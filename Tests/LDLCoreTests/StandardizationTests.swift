import Testing

@testable import LDLCore

/// TUNING.md "Standardization".
@Suite struct StandardizationTests {
    static let rows: [[Double]] = [[1, 10, 5], [2, 10, -1], [3, 10, 2], [6, 10, 0]]

    @Test func meanAndPopulationSD() throws {
        let flat = Self.rows.flatMap { $0 }
        let s = try flat.withUnsafeBufferPointer { try Standardization.fit(features: $0, featureCount: 3) }
        #expect(s.mean == [3, 10, 1.5])
        // Population sd of 1, 2, 3, 6: sqrt(14 / 4).
        #expect(s.sd[0] == (14.0 / 4).squareRoot())
        #expect(s.sd[1] == 1)  // constant feature
        #expect(abs(s.sd[2] - (((3.5 * 3.5 + 2.5 * 2.5 + 0.25 + 2.25) / 4) as Double).squareRoot()) < 1e-15)
        #expect(try s.apply([3, 10, 1.5]) == [0, 0, 0])
        #expect(try s.apply([3, 11, 1.5]) == [0, 1, 0])
        // A subset, in a given order.
        let sub = try flat.withUnsafeBufferPointer { try Standardization.fit(features: $0, featureCount: 3, rows: [3, 0]) }
        #expect(sub.mean == [3.5, 10, 2.5])
        #expect(sub.sd[0] == 2.5)
        // A constant column whose mean would not be exact (0.1 * 3 / 3) keeps the value itself.
        let tenths = [0.1, 0.1, 0.1]
        let c = try tenths.withUnsafeBufferPointer { try Standardization.fit(features: $0, featureCount: 1) }
        #expect(c.mean == [0.1] && c.sd == [1])
    }

    @Test func restoredFromArrays() throws {
        let s = try Standardization(mean: [1, 2], sd: [0.5, 4])
        let again = try Standardization(mean: s.mean, sd: s.sd)
        #expect(again == s)
        expectError(.invalidParameter, "lengths") { _ = try Standardization(mean: [1, 2], sd: [1]) }
        expectError(.invalidParameter, "sd 0") { _ = try Standardization(mean: [1], sd: [0]) }
        expectError(.invalidParameter, "mean nan") { _ = try Standardization(mean: [.nan], sd: [1]) }
        expectError(.arrayShape, "empty") { _ = try Standardization(mean: [], sd: []) }
        expectError(.invalidParameter, "wrong model width") {
            _ = try Model(featureCount: 3, labelCount: 2, standardization: s)
        }
        expectError(.invalidParameter, "overflow") { _ = try s.apply([.greatestFiniteMagnitude, 0]) }
    }

    /// A standardized model predicts exactly what a plain model of
    /// standardized rows predicts for standardized queries, for every method.
    @Test func modelStandardizesRowsAndQueries() throws {
        var rng = TestRandom(5)
        let n = 4, l = 3
        var data: [(Int64, [Double], [Double])] = []
        for i in 0..<40 {
            var f = [Double](repeating: 0, count: n)
            for j in 0..<n {
                let scale = Double(j * 100 + 1)
                f[j] = Double.random(in: -1...1, using: &rng) * scale + Double(j) * 7
            }
            data.append((Int64(i), f, rng.distribution(l)))
        }
        let raw = try Model(featureCount: n, labelCount: l)
        for (k, f, d) in data { try raw.add(key: k, features: f, labels: d) }
        let stats = try raw.fitStandardization()
        let standardized = try Model(featureCount: n, labelCount: l, standardization: stats)
        let manual = try Model(featureCount: n, labelCount: l)
        for (k, f, d) in data.reversed() {
            try standardized.add(key: k, features: f, labels: d)
            try manual.add(key: k, features: try stats.apply(f), labels: d)
        }
        var queries: [[Double]] = []
        for _ in 0..<5 {
            var q = [Double](repeating: 0, count: n)
            for j in 0..<n { q[j] = Double.random(in: -1...1, using: &rng) * Double(j * 100 + 1) }
            queries.append(q)
        }
        for method: Method in [.uaknn(), .wuaknn(), .aaknn(), .kernel(k: 8), .prior, .mix([.aaknn(k: 3), .uaknn()])] {
            for q in queries {
                #expect(try standardized.predict(q, method: method) == manual.predict(try stats.apply(q), method: method))
            }
            let batch = try standardized.predictBatch(queries.flatMap { $0 }, count: queries.count, method: method)
            let expected = try manual.predictBatch(try queries.flatMap { try stats.apply($0) }, count: queries.count, method: method)
            #expect(batch == expected)
        }
        #expect(try standardized.explain(queries[0]) == manual.explain(try stats.apply(queries[0])))
        // Statistics are computed in key order: any insertion order gives the same bits.
        let reversed = try Model(featureCount: n, labelCount: l)
        for (k, f, d) in data.reversed() { try reversed.add(key: k, features: f, labels: d) }
        #expect(try reversed.fitStandardization() == stats)
        expectError(.invalidParameter, "already standardized") { _ = try standardized.fitStandardization() }
        expectError(.invalidParameter, "query overflows") {
            _ = try standardized.predict([.greatestFiniteMagnitude, 0, 0, 0], method: .aaknn())
        }
    }
}
