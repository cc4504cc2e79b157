import Foundation
import Testing

@testable import LDLCore

/// TUNING.md "Maximum-entropy LDL model" against `vectors/maxent_sjaffe.json`.
@Suite struct MaxEntTests {
    @Test func sjaffeVector() throws {
        let json = try Fixtures.json("maxent_sjaffe.json")
        let model = try Fixtures.sjaffeModel(0..<170)
        let fit = try model.fitMaxEnt(l2: try #require((json["lambda"] as? NSNumber)?.doubleValue))
        let stats = try #require(fit.standardization)
        expectClose(stats.mean, Fixtures.doubles(json["mean"]), tolerance: 1e-12, "mean")
        expectClose(stats.sd, Fixtures.doubles(json["sd"]), tolerance: 1e-12, "sd")
        let loss = try #require((json["loss"] as? NSNumber)?.doubleValue)
        #expect(abs((fit.loss ?? .nan) - loss) <= 1e-9, "loss \(fit.loss ?? .nan) vs \(loss)")
        #expect(fit.weights.count == 244 * 6 && fit.sampleCount == 170)
        model.maxEntFit = fit
        let expected = Fixtures.matrix(json["predictions"])
        #expect(expected.count == 43)
        let queries = (170..<213).flatMap { Fixtures.sjaffe.features[$0] }
        let batch = try model.predictBatch(queries, count: 43, method: .maxent())
        for (i, row) in (170..<213).enumerated() {
            let p = try model.predict(Fixtures.sjaffe.features[row], method: .maxent(l2: 1e-3))
            expectClose(p, expected[i], tolerance: 1e-6, "row \(row)")
            #expect(Array(batch[(i * 6)..<((i + 1) * 6)]) == p)
        }
    }

    /// The gradient the optimizer follows is the objective's (central differences).
    @Test func gradientMatchesFiniteDifferences() throws {
        var rng = TestRandom(3)
        let (rows, n, l) = (23, 5, 3)
        var labels: [Double] = []
        for _ in 0..<rows { labels += rng.distribution(l) }
        labels[0] *= 0.7  // a row that does not sum to 1: σ matters
        var dense: [Double] = []
        for _ in 0..<(rows * n) { dense.append(Double.random(in: -2...2, using: &rng)) }
        var sparse: [Double] = dense
        for i in sparse.indices where i % 3 != 0 { sparse[i] = 0 }
        let stats = try sparse.withUnsafeBufferPointer { try Standardization.fit(features: $0, featureCount: n) }
        var start = [0]
        var column: [Int32] = []
        var value: [Double] = []
        for i in 0..<rows {
            for f in 0..<n where sparse[i * n + f] != 0 {
                column.append(Int32(f))
                value.append(sparse[i * n + f])
            }
            start.append(column.count)
        }
        let z = try (0..<rows).flatMap { try stats.apply(Array(sparse[($0 * n)..<(($0 + 1) * n)])) }
        let objectives = [
            MaxEntObjective(featureCount: n, labelCount: l, rows: .dense(z: dense), labels: labels, lambda: 0.01),
            MaxEntObjective(
                featureCount: n, labelCount: l,
                rows: .sparse(start: start, column: column, value: value, mean: stats.mean, sd: stats.sd),
                labels: labels, lambda: 0.01),
            MaxEntObjective(featureCount: n, labelCount: l, rows: .dense(z: z), labels: labels, lambda: 0.01),
        ]
        let w = (0..<((n + 1) * l)).map { _ in Double.random(in: -1...1, using: &rng) }
        var values: [Double] = []
        var gradients: [[Double]] = []
        for objective in objectives {
            var g = [Double](repeating: 0, count: w.count)
            let f = try w.withUnsafeBufferPointer { wb in
                try g.withUnsafeMutableBufferPointer { gb in try objective.evaluate(wb, gb, isCancelled: { false }) }
            }
            for k in w.indices {
                func value(_ delta: Double) throws -> Double {
                    var x = w
                    x[k] += delta
                    var scratch = [Double](repeating: 0, count: w.count)
                    return try x.withUnsafeBufferPointer { wb in
                        try scratch.withUnsafeMutableBufferPointer { gb in try objective.evaluate(wb, gb, isCancelled: { false }) }
                    }
                }
                let h = 1e-6
                let numeric = (try value(h) - value(-h)) / (2 * h)
                #expect(abs(numeric - g[k]) < 1e-7, "component \(k): \(numeric) vs \(g[k])")
            }
            values.append(f)
            gradients.append(g)
        }
        // The compressed rows with separate statistics equal the standardized dense rows.
        #expect(abs(values[1] - values[2]) < 1e-12)
        expectClose(gradients[1], gradients[2], tolerance: 1e-12, "sparse vs dense")
    }

    @Test func fitsAreRestoredAndChecked() throws {
        let model = try Fixtures.sjaffeModel(0..<60)
        let query = Fixtures.sjaffe.features[100]
        expectError(.notReady, "no fit") { _ = try model.predict(query, method: .maxent()) }
        expectError(.notReady, "no fit in a mix") { _ = try model.predict(query, method: .mix([.aaknn(), .maxent()])) }
        let fit = try model.fitMaxEnt()
        let stats = try #require(fit.standardization)
        let restored = try MaxEntFit(
            featureCount: fit.featureCount, labelCount: fit.labelCount, weights: fit.weights,
            standardization: try Standardization(mean: stats.mean, sd: stats.sd), l2: fit.l2, sampleCount: fit.sampleCount)
        model.maxEntFit = restored
        let p = try model.predict(query, method: .maxent())
        model.maxEntFit = fit
        #expect(try model.predict(query, method: .maxent()) == p)
        #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        expectError(.notReady, "other l2") { _ = try model.predict(query, method: .maxent(l2: 0.1)) }
        expectError(.invalidParameter, "l2 0") { _ = try model.predict(query, method: .maxent(l2: 0)) }
        expectError(.invalidParameter, "l2 nan") { _ = try model.fitMaxEnt(l2: .nan) }
        expectError(.invalidParameter, "short weights") {
            _ = try MaxEntFit(featureCount: 243, labelCount: 6, weights: [1, 2], standardization: nil, l2: 1e-3)
        }
        expectError(.invalidParameter, "nan weight") {
            _ = try MaxEntFit(featureCount: 1, labelCount: 2, weights: [0, .nan, 0, 0], standardization: nil, l2: 1e-3)
        }
        let other = try MaxEntFit(featureCount: 1, labelCount: 2, weights: [0, 0, 0, 0], standardization: nil, l2: 1e-3)
        model.maxEntFit = other
        expectError(.invalidParameter, "shape") { _ = try model.predict(query, method: .maxent()) }
        expectError(.notReady, "empty model") { _ = try Model(featureCount: 2, labelCount: 2).fitMaxEnt() }
        var polls = 0
        expectError(.cancelled, "cancel") {
            _ = try model.fitMaxEnt(isCancelled: {
                polls += 1
                return polls > 5
            })
        }
        #expect(try Method.parseName("MaxEnt") == .maxent(l2: 1e-3))
        // An optimizer stopped early says so, with the gradient it reached.
        do {
            _ = try model.withStoredFeatures { (x) throws(LDLError) in
                try model.withStoredLabels { (d) throws(LDLError) in
                    try MaxEnt.fit(
                        features: x, labels: d, featureCount: 243, labelCount: 6, rows: Array(0..<60),
                        ownStatistics: true, l2: 1e-3, maximumIterations: 3, isCancelled: { false })
                }
            }
            Issue.record("3 iterations converged")
        } catch {
            #expect(error.kind == .invalidParameter)
            #expect(error.message.hasPrefix("maximum-entropy fit did not converge: gradient max-norm "))
            #expect(error.message.hasSuffix("after 3 iterations, expected at most 1e-09"))
            #expect(error.hint?.contains("l2") == true)
        }
    }

    /// A standardized model's fit works on its standardized rows, with the
    /// same numbers as a plain model's fit with its own statistics.
    @Test func standardizedModelFitsTheSame() throws {
        let plain = try Fixtures.sjaffeModel(0..<80)
        let stats = try plain.fitStandardization()
        let standardized = try Model(featureCount: 243, labelCount: 6, standardization: stats)
        for i in 0..<80 { try standardized.add(key: Int64(i), features: Fixtures.sjaffe.features[i], labels: Fixtures.sjaffe.labels[i]) }
        let a = try plain.fitMaxEnt()
        let b = try standardized.fitMaxEnt()
        #expect(b.standardization == nil)
        #expect(a.weights == b.weights)
        plain.maxEntFit = a
        standardized.maxEntFit = b
        for row in 150..<160 {
            let q = Fixtures.sjaffe.features[row]
            #expect(try plain.predict(q, method: .maxent()) == standardized.predict(q, method: .maxent()))
        }
    }
}
