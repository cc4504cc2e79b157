import Foundation
import Testing

@testable import LDLCore

/// NEIGHBOURS.md F2.1: bandwidth rules, the all-rows kernel, row weights.
@Suite struct KernelVariantTests {
    /// key 1 x={0} d=(1,0); key 2 x={1} d=(0.5,0.5); key 3 x={3} d=(0,1).
    static func model(weights: [Double]? = nil) throws -> Model {
        let m = try Model(featureCount: 1, labelCount: 2)
        let rows: [(Int64, Double, [Double])] = [(1, 0, [1, 0]), (2, 1, [0.5, 0.5]), (3, 3, [0, 1])]
        for (r, (key, x, d)) in rows.enumerated() { try m.add(key: key, features: [x], labels: d, weight: weights?[r]) }
        return m
    }

    @Test func specCases() throws {
        let m = try Self.model()
        let q = [0.2]
        expectClose(try m.predict(q, method: .kernel(k: 2, bandwidth: 1)), [0.7872212584, 0.2127787416], tolerance: 1e-9, "fixed")
        expectClose(try m.predict(q, method: .kernel(k: 2)), [0.8075439278, 0.1924560722], tolerance: 1e-9, "kth")
        expectClose(
            try m.predict(q, method: .kernel(KernelOptions(k: 0, bandwidth: 1))), [0.7781728093, 0.2218271907],
            tolerance: 1e-9, "all rows")
        #expect(try m.medianNeighbourDistance(k: 2) == 3)
        expectClose(
            try m.predict(q, method: .kernel(KernelOptions(k: 2, rule: .median))), [0.7666420191, 0.2333579809],
            tolerance: 1e-9, "median")
        let w = try Self.model(weights: [1, 3, 1])
        expectClose(try w.predict(q, method: .kernel(k: 2, bandwidth: 1)), [0.6551612210, 0.3448387790], tolerance: 1e-9, "weighted")
        expectClose(try w.predict(q, method: .aaknn(k: 2)), [0.625, 0.375], tolerance: 1e-12, "weighted aaknn")
    }

    @Test func explicitFixedEqualsImpliedFixed() throws {
        let m = try Self.model()
        #expect(
            try m.predict([0.7], method: .kernel(KernelOptions(k: 2, bandwidth: 0.8, rule: .fixed)))
                == m.predict([0.7], method: .kernel(k: 2, bandwidth: 0.8)))
    }

    /// A model whose d_med is 1: median with scale 1 is fixed s = 1.
    @Test func medianWithUnitDistanceIsFixedOne() throws {
        let m = try Model(featureCount: 1, labelCount: 2)
        var rng = TestRandom(5)
        for i in 0..<9 { try m.add(key: Int64(i), features: [Double(i)], labels: rng.distribution(2)) }
        #expect(try m.medianNeighbourDistance(k: 1) == 1)
        for q in [-0.5, 0.3, 4.2, 11.0] {
            let median = try m.predict([q], method: .kernel(KernelOptions(k: 1, rule: .median, scale: 1)))
            #expect(median == (try m.predict([q], method: .kernel(k: 1, bandwidth: 1))), "q \(q)")
            // Other k: s = d_med at k (k = 0 measures it at min(32, M − 1) = 8).
            for k in [0, 3] {
                let d = try m.medianNeighbourDistance(k: k == 0 ? 8 : k)
                let median = try m.predict([q], method: .kernel(KernelOptions(k: k, rule: .median, scale: 1)))
                #expect(median == (try m.predict([q], method: .kernel(KernelOptions(k: k, bandwidth: d)))), "k \(k) q \(q)")
            }
        }
    }

    /// Random models: outputs are distributions; weight 0 ≡ deleted; all weights 1 ≡ no weights.
    @Test func weightProperties() throws {
        var rng = TestRandom(77)
        for trial in 0..<30 {
            let n = Int.random(in: 1...4, using: &rng)
            let l = Int.random(in: 2...4, using: &rng)
            let rows = Int.random(in: 3...25, using: &rng)
            let plain = try Model(featureCount: n, labelCount: l)
            let ones = try Model(featureCount: n, labelCount: l)
            let zeroed = try Model(featureCount: n, labelCount: l)
            let deleted = try Model(featureCount: n, labelCount: l)
            let weighted = try Model(featureCount: n, labelCount: l)
            let drop = Int.random(in: 0..<rows, using: &rng)
            for i in 0..<rows {
                // Coarse values make exact distance ties, which must go to the lowest key.
                let x = (0..<n).map { _ in Double(Int.random(in: 0...3, using: &rng)) }
                let d = rng.distribution(l)
                try plain.add(key: Int64(i), features: x, labels: d)
                try ones.add(key: Int64(i), features: x, labels: d, weight: 1)
                try zeroed.add(key: Int64(i), features: x, labels: d, weight: i == drop ? 0 : 1)
                if i != drop { try deleted.add(key: Int64(i), features: x, labels: d) }
                try weighted.add(key: Int64(i), features: x, labels: d, weight: Double.random(in: 0.1...5, using: &rng))
            }
            let methods: [Method] = [
                .aaknn(k: 3), .kernel(k: 4), .kernel(k: 2, bandwidth: 0.7), .kernel(KernelOptions(k: 0, bandwidth: 1.3)),
                .kernel(KernelOptions(k: 2, rule: .median)), .kernel(KernelOptions(k: 0, rule: .median, scale: 2)),
                .kernel(KernelOptions(k: 2, rule: .median, fallback: .prior)),
            ]
            /// The prediction, or nil when refused (coarse features can make d_med 0).
            func outcome(_ model: Model, _ q: [Double], _ m: Method) -> [Double]? {
                do { return try model.predict(q, method: m) } catch {
                    #expect(error.kind == .invalidParameter && error.message.contains("median"), "\(error)")
                    return nil
                }
            }
            for _ in 0..<4 {
                let q = (0..<n).map { _ in Double(Int.random(in: -1...4, using: &rng)) }
                for m in methods {
                    let p = outcome(plain, q, m)
                    #expect(outcome(ones, q, m) == p, "trial \(trial) \(m): all weights 1")
                    if let p { #expect(abs(p.reduce(0, +) - 1) < 1e-12) }
                    if let w = outcome(weighted, q, m) {
                        #expect(abs(w.reduce(0, +) - 1) < 1e-12 && w.allSatisfy { $0 >= 0 })
                    }
                    if case .kernel(let o) = m, o.fallback == .prior { continue }  // the prior has no weights
                    let z = outcome(zeroed, q, m)
                    let d = outcome(deleted, q, m)
                    #expect((z == nil) == (d == nil), "trial \(trial) \(m): weight 0 refused alike")
                    if let z, let d { expectClose(z, d, tolerance: 1e-12, "trial \(trial) \(m): weight 0") }
                }
            }
        }
    }

    @Test func extremeWeightsStayFinite() throws {
        for ws in [[1e-300, 1e300, 5e-324], [1e308, 1e308, 1e308], [5e-324, 5e-324, 0]] {
            let m = try Self.model(weights: ws)
            for method in [Method.aaknn(k: 3), .kernel(k: 3), .kernel(KernelOptions(k: 0, bandwidth: 1e-3))] {
                let p = try m.predict([2.9], method: method)
                #expect(p.allSatisfy { $0.isFinite && $0 >= 0 } && abs(p.reduce(0, +) - 1) < 1e-12, "\(ws) \(method): \(p)")
            }
        }
    }

    @Test func errors() throws {
        let m = try Self.model()
        expectError(.invalidParameter, "k 0 kth") { _ = try m.predict([0], method: .kernel(KernelOptions(k: 0))) }
        expectError(.invalidParameter, "k 0 explicit kth") {
            _ = try m.predict([0], method: .kernel(KernelOptions(k: 0, rule: .kth)))
        }
        expectError(.invalidParameter, "negative k") { _ = try m.predict([0], method: .kernel(KernelOptions(k: -1, bandwidth: 1))) }
        expectError(.invalidParameter, "fixed without bandwidth") {
            _ = try m.predict([0], method: .kernel(KernelOptions(rule: .fixed)))
        }
        expectError(.invalidParameter, "median with bandwidth") {
            _ = try m.predict([0], method: .kernel(KernelOptions(bandwidth: 1, rule: .median)))
        }
        for scale in [0, -1, .nan, .infinity] {
            expectError(.invalidParameter, "scale \(scale)") {
                _ = try m.predict([0], method: .kernel(KernelOptions(k: 2, rule: .median, scale: scale)))
            }
        }
        expectError(.invalidParameter, "median with M <= k") {
            _ = try m.predict([0], method: .kernel(KernelOptions(k: 3, rule: .median)))
        }
        expectError(.invalidParameter, "negative weight") { try m.add(key: 9, features: [0], labels: [1, 0], weight: -1) }
        expectError(.invalidParameter, "nan weight") { try m.add(key: 9, features: [0], labels: [1, 0], weight: .nan) }
        expectError(.invalidParameter, "infinite weight") { try m.add(key: 9, features: [0], labels: [1, 0], weight: .infinity) }
        #expect(m.count == 3 && !m.hasWeights, "refused rows leave the model unchanged")
        let zero = try Self.model(weights: [0, 0, 0])
        for method in [Method.aaknn(k: 2), .kernel(k: 2), .kernel(KernelOptions(k: 0, bandwidth: 1))] {
            expectError(.invalidParameter, "all weights 0 \(method)") { _ = try zero.predict([0], method: method) }
        }
        // Every row on one point: d_med = 0, so s = 0.
        let same = try Model(featureCount: 1, labelCount: 2)
        for i in 0..<4 { try same.add(key: Int64(i), features: [1], labels: [1, 0]) }
        expectError(.invalidParameter, "median 0") { _ = try same.predict([0], method: .kernel(KernelOptions(k: 2, rule: .median))) }
    }

    @Test func weightsAreStoredLazily() throws {
        let m = try Self.model()
        #expect(!m.hasWeights && m.weight(key: 2) == 1)
        try m.add(key: 4, features: [5], labels: [0, 1], weight: 2.5)
        #expect(m.hasWeights && m.weight(key: 1) == 1 && m.weight(key: 4) == 2.5 && m.weight(key: 99) == nil)
        try m.add(key: 5, features: [6], labels: [0, 1])
        #expect(m.weight(key: 5) == 1)
        let bulk = try Model(featureCount: 1, labelCount: 2)
        let keys: [Int64] = [1, 2]
        let f = [0.0, 1]
        let d = [1.0, 0, 0, 1]
        let w = [0.5, 2]
        try keys.withUnsafeBufferPointer { k in
            try f.withUnsafeBufferPointer { f in
                try d.withUnsafeBufferPointer { d in
                    try w.withUnsafeBufferPointer { w in
                        try bulk.add(keys: k, features: f, labels: d, weights: w, isCancelled: { false })
                    }
                }
            }
        }
        #expect(bulk.weight(key: 1) == 0.5 && bulk.weight(key: 2) == 2)
    }

    /// The median cache follows the model version.
    @Test func medianCacheInvalidatedByAdd() throws {
        let m = try Self.model()
        #expect(try m.medianNeighbourDistance(k: 2) == 3)
        try m.add(key: 4, features: [1.5], labels: [0.5, 0.5])
        // Others of 0: 1, 1.5, 3 → 1.5; of 1: 0.5, 1, 2 → 1; of 1.5: 0.5, 1.5, 1.5 → 1.5; of 3: 1.5, 2, 3 → 2.
        #expect(try m.medianNeighbourDistance(k: 2) == 1.5)
    }

    /// M > 2000: only every q-th row in key order has its k-th distance taken.
    @Test func medianSubsamplesLargeModels() throws {
        let m = try Model(featureCount: 1, labelCount: 2)
        // Keys descending against storage order; x = key², so distances grow with the key.
        for i in 0..<2001 {
            let key = Int64(2000 - i)
            try m.add(key: key, features: [Double(key * key) / 1e6], labels: [1, 0])
        }
        // q = 2: keys 0, 2, ..., 2000 (1001 values); the 1st nearest other of key j is key j-1 (or 1 for key 0).
        var values: [Double] = []
        for j in stride(from: 0, through: 2000, by: 2) {
            let x = Double(j * j) / 1e6
            let left = j > 0 ? x - Double((j - 1) * (j - 1)) / 1e6 : .infinity
            let right = Double((j + 1) * (j + 1)) / 1e6 - x
            values.append(Swift.min(left, right))
        }
        values.sort()
        let expected = values[(values.count - 1) / 2]
        #expect(abs(try m.medianNeighbourDistance(k: 1) - expected) <= 1e-12)
    }
}

/// NEIGHBOURS.md F2.2: the confidence gate and the fallback blend.
@Suite struct ConfidenceTests {
    /// key 1 x={0} d=(1,0); key 2 x={1} d=(1,0); key 3 x={3} d=(0,1).
    static func model() throws -> Model {
        let m = try Model(featureCount: 1, labelCount: 2)
        try m.add(key: 1, features: [0], labels: [1, 0])
        try m.add(key: 2, features: [1], labels: [1, 0])
        try m.add(key: 3, features: [3], labels: [0, 1])
        return m
    }

    @Test func specCases() throws {
        let m = try Self.model()
        let gated = Method.kernel(KernelOptions(k: 2, bandwidth: 1, fallback: .prior))
        #expect(abs(try m.confidence([0], k: 2, bandwidth: 1) - 0.8032653299) <= 1e-9)
        #expect(try m.predict([0], method: .kernel(k: 2, bandwidth: 1)) == [1, 0])
        expectClose(try m.predict([0], method: gated), [0.9344217766, 0.0655782234], tolerance: 1e-9, "gated at 0")
        let far = try m.confidence([10], k: 2, bandwidth: 1)
        #expect(abs(far - 1.1449e-11) < 1e-14, "\(far)")
        expectClose(try m.predict([10], method: gated), [0.6666666667, 0.3333333333], tolerance: 1e-9, "gated at 10")
        expectError(.invalidParameter, "kth + fallback") {
            _ = try m.predict([0], method: .kernel(KernelOptions(k: 2, fallback: .prior)))
        }
        expectError(.invalidParameter, "explicit kth + fallback") {
            _ = try m.predict([0], method: .kernel(KernelOptions(k: 2, rule: .kth, fallback: .aaknn())))
        }
        for q in [0.0, 1, 3] {
            #expect(try m.confidence([q], k: 1, bandwidth: 1) == 1)
            #expect(try m.confidence([q], k: 1) == 1, "median rule")
        }
    }

    @Test func noneIsThePlainKernel() throws {
        let m = try Fixtures.sjaffeModel(0..<150)
        let (f, _) = Fixtures.sjaffe
        for i in 150..<160 {
            for o in [KernelOptions(k: 7, bandwidth: 40), KernelOptions(k: 7, rule: .median)] {
                var none = o
                none.fallback = .none
                #expect(try m.predict(f[i], method: .kernel(none)) == m.predict(f[i], method: .kernel(o)))
            }
        }
    }

    /// Every fallback blends exactly `g·kernel + (1 − g)·fallback`, batched or not.
    @Test func everyFallbackBlends() throws {
        let m = try Fixtures.sjaffeModel(0..<150)
        let (f, _) = Fixtures.sjaffe
        let queries = Array(f[150..<170].joined())
        let fallbacks: [KernelFallback] = [.prior, .aaknn(k: 3), .uaknn(), .wuaknn(softmaxBase: 3)]
        for fb in fallbacks {
            let o = KernelOptions(k: 10, rule: .median, scale: 0.7, fallback: fb)
            var plain = o
            plain.fallback = .none
            let batch = try m.predictBatch(queries, count: 20, method: .kernel(o))
            for (r, i) in (150..<170).enumerated() {
                let g = try m.confidence(f[i], k: 10, rule: .median, scale: 0.7)
                #expect(g > 0 && g <= 1)
                let k = try m.predict(f[i], method: .kernel(plain))
                let b = try m.predict(f[i], method: fb.method ?? .prior)
                let expected = zip(k, b).map { g * $0 + (1 - g) * $1 }
                let one = try m.predict(f[i], method: .kernel(o))
                expectClose(one, expected, tolerance: 1e-15, "\(fb) row \(i)")
                #expect(Array(batch[(r * 6)..<((r + 1) * 6)]) == one, "batch equals single")
            }
        }
    }

    /// A standardized model measures a query's distances in model space:
    /// its confidence is the plain model's over the standardized rows, for
    /// the standardized query.
    @Test func confidenceOfStandardizedModelIsInModelSpace() throws {
        let plain = try Fixtures.sjaffeModel(0..<150)
        let (f, l) = Fixtures.sjaffe
        let stats = try plain.fitStandardization()
        let zscore = try Model(featureCount: f[0].count, labelCount: l[0].count, standardization: stats)
        let byHand = try Model(featureCount: f[0].count, labelCount: l[0].count)
        for i in 0..<150 {
            try zscore.add(key: Int64(i), features: f[i], labels: l[i])
            try byHand.add(key: Int64(i), features: try stats.apply(f[i]), labels: l[i])
        }
        for i in 150..<160 {
            let got = try zscore.confidence(f[i], k: 5, rule: .median)
            let expected = try byHand.confidence(try stats.apply(f[i]), k: 5, rule: .median)
            #expect(abs(got - expected) < 1e-12, "row \(i): \(got) vs \(expected)")
        }
    }

    @Test func confidenceBatchEqualsSingle() throws {
        let m = try Fixtures.sjaffeModel(0..<150)
        let (f, _) = Fixtures.sjaffe
        let queries = Array(f[150..<213].joined())
        var out = [Double](repeating: 0, count: 63)
        let options = KernelOptions(k: 5)
        try queries.withUnsafeBufferPointer { q in
            try out.withUnsafeMutableBufferPointer { o in
                try m.confidenceBatch(q, count: 63, options: options, into: o, isCancelled: { false })
            }
        }
        for (r, i) in (150..<213).enumerated() { #expect(out[r] == (try m.confidence(f[i], k: 5))) }
        var calls = 0
        expectError(.cancelled) {
            try queries.withUnsafeBufferPointer { q in
                try out.withUnsafeMutableBufferPointer { o in
                    try m.confidenceBatch(q, count: 63, options: options, into: o, isCancelled: { calls += 1; return calls > 1 })
                }
            }
        }
    }
}
