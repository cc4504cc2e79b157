import Testing

@testable import LDLCore

@Suite struct ValidationTests {
    static func smallModel() throws -> Model {
        let model = try Model(featureCount: 3, labelCount: 2)
        try model.add(key: 1, features: [1, 0, 0], labels: [0.8, 0.2])
        try model.add(key: 2, features: [0, 1, 0], labels: [0.3, 0.7])
        return model
    }

    @Test func modelShape() {
        expectError(.invalidParameter, "no features") { _ = try Model(featureCount: 0, labelCount: 2) }
        expectError(.invalidParameter, "one label") { _ = try Model(featureCount: 3, labelCount: 1) }
        expectError(.invalidParameter, "negative") { _ = try Model(featureCount: -1, labelCount: -5) }
        expectError(.invalidParameter, "too many labels") { _ = try Model(featureCount: 1, labelCount: Int.max) }
        expectError(.invalidParameter, "too many features") { _ = try Model(featureCount: Int.max, labelCount: 2) }
    }

    @Test func addChecksEverything() throws {
        let model = try Self.smallModel()
        expectError(.invalidParameter, "short features") { try model.add(key: 3, features: [1, 2], labels: [0.5, 0.5]) }
        expectError(.invalidParameter, "long labels") { try model.add(key: 3, features: [1, 2, 3], labels: [0.5, 0.5, 0]) }
        expectError(.invalidParameter, "nan feature") { try model.add(key: 3, features: [1, .nan, 3], labels: [0.5, 0.5]) }
        expectError(.invalidParameter, "inf feature") { try model.add(key: 3, features: [1, .infinity, 3], labels: [0.5, 0.5]) }
        expectError(.invalidParameter, "nan label") { try model.add(key: 3, features: [1, 2, 3], labels: [.nan, 1]) }
        expectError(.invalidParameter, "negative label") { try model.add(key: 3, features: [1, 2, 3], labels: [-0.1, 1.1]) }
        expectError(.invalidParameter, "sum 0.9") { try model.add(key: 3, features: [1, 2, 3], labels: [0.4, 0.5]) }
        expectError(.invalidParameter, "sum 1.02") { try model.add(key: 3, features: [1, 2, 3], labels: [0.5, 0.52]) }
        expectError(.invalidParameter, "duplicate key") { try model.add(key: 2, features: [1, 2, 3], labels: [0.5, 0.5]) }
        try model.add(key: 3, features: [1, 2, 3], labels: [0.5, 0.505])  // within the default 0.01
        #expect(model.count == 3)
        do {
            try model.add(key: 4, features: [1, 2, 3, 4, 5], labels: [0.5, 0.5])
        } catch {
            #expect(error.message == "feature vector has 5 elements, model expects 3")
        }
    }

    @Test func queriesAreChecked() throws {
        let model = try Self.smallModel()
        expectError(.invalidParameter, "short query") { _ = try model.predict([1, 0]) }
        expectError(.invalidParameter, "nan query") { _ = try model.predict([1, .nan, 0]) }
        expectError(.invalidParameter, "inf query") { _ = try model.predict([-.infinity, 0, 0], method: .aaknn()) }
        expectError(.invalidParameter, "explain nan") { _ = try model.explain([1, .nan, 0]) }
        expectError(.invalidParameter, "batch rows") { _ = try model.predictBatch([1, 0, 0, 1], count: 2) }
        expectError(.invalidParameter, "batch nan") { _ = try model.predictBatch([1, 0, 0, 1, .nan, 0], count: 2) }
        expectError(.invalidParameter, "negative count") { _ = try model.predictBatch([], count: -1) }
        do {
            _ = try model.predictBatch([1, 0, 0, 1, .nan, 0], count: 2)
        } catch {
            #expect(error.message.hasPrefix("query 2: feature vector element 2 is NaN"))
        }
        var out = [Double](repeating: 0, count: 3)
        expectError(.invalidParameter, "output length") {
            try [1.0, 0, 0].withUnsafeBufferPointer { q in
                try out.withUnsafeMutableBufferPointer { o in try model.predict(q, method: .uaknn(), into: o) }
            }
        }
    }

    @Test func parametersAreChecked() throws {
        let model = try Self.smallModel()
        let q = [1.0, 1, 0]
        let bad: [(String, Method)] = [
            ("variance 0", .uaknn(UAKNNOptions(variance: 0))),
            ("variance -1", .uaknn(UAKNNOptions(variance: -1))),
            ("variance nan", .uaknn(UAKNNOptions(variance: .nan))),
            ("variance inf", .uaknn(UAKNNOptions(variance: .infinity))),
            ("samples 0", .uaknn(UAKNNOptions(samples: 0))),
            ("samples huge", .uaknn(UAKNNOptions(samples: Int.max))),
            ("ratio nan", .uaknn(UAKNNOptions(perturbationRatio: .nan))),
            ("base 1", .uaknn(UAKNNOptions(softmaxBase: 1))),
            ("base 0.5", .uaknn(UAKNNOptions(softmaxBase: 0.5))),
            ("base inf", .uaknn(UAKNNOptions(softmaxBase: .infinity))),
            ("temperature 0", .uaknn(UAKNNOptions(temperature: 0))),
            ("temperature -1", .uaknn(UAKNNOptions(temperature: -1))),
            ("wuaknn base 1", .wuaknn(softmaxBase: 1)),
            ("aaknn k 0", .aaknn(k: 0)),
            ("aaknn k -3", .aaknn(k: -3)),
            ("kernel k 0", .kernel(k: 0)),
            ("kernel bandwidth 0", .kernel(k: 3, bandwidth: 0)),
            ("kernel bandwidth nan", .kernel(k: 3, bandwidth: .nan)),
            ("empty mix", .mix([])),
            ("bad member", .mix([.uaknn(), .aaknn(k: 0)])),
        ]
        for (what, method) in bad {
            expectError(.invalidParameter, what) { _ = try model.predict(q, method: method) }
            expectError(.invalidParameter, what) { _ = try model.predictBatch(q, count: 1, method: method) }
        }
        var deep = Method.uaknn()
        for _ in 0...Method.maximumMixDepth { deep = .mix([deep]) }
        expectError(.invalidParameter, "deep mix") { _ = try model.predict(q, method: deep) }
        expectError(.invalidParameter, "explain temperature") { _ = try model.explain(q, options: UAKNNOptions(temperature: 0)) }
        // Extreme but valid parameters give finite distributions.
        for method: Method in [
            .uaknn(UAKNNOptions(variance: 1e-300, temperature: 1e-300)),
            .uaknn(UAKNNOptions(variance: 1e300, perturbationRatio: -1e300, softmaxBase: 1e300)),
            .uaknn(UAKNNOptions(softmaxBase: 1.000000001, temperature: .leastNonzeroMagnitude)),
            .uaknn(UAKNNOptions(samples: 1, mode: .sampled)),
            .wuaknn(softmaxBase: 1e300), .kernel(k: Int.max), .kernel(k: 1, bandwidth: 1e300), .aaknn(k: Int.max),
        ] {
            let p = try model.predict(q, method: method)
            let finite = p.allSatisfy { $0.isFinite }
            #expect(finite, "\(method): \(p)")
            #expect(abs(p.reduce(0, +) - 1) < 1e-9, "\(method): \(p)")
        }
    }

    @Test func methodNames() throws {
        #expect(try Method.parseName("UAKNN") == .uaknn(UAKNNOptions()))
        #expect(try Method.parseName("wuaknn") == .wuaknn(softmaxBase: 2))
        #expect(try Method.parseName("AAkNN") == .aaknn(k: 5))
        #expect(try Method.parseName("kernel") == .kernel(k: 32, bandwidth: nil))
        expectError(.invalidParameter, "unknown") { _ = try Method.parseName("svm") }
        #expect(try UAKNNOptions.SamplingMode.parse("Sampled") == .sampled)
        #expect(try UAKNNOptions.Normalization.parse("LINEAR") == .linear)
        expectError(.invalidParameter, "mode") { _ = try UAKNNOptions.SamplingMode.parse("exact") }
    }

    @Test func emptyModels() throws {
        let empty = try Model(featureCount: 2, labelCount: 3)
        for m: Method in [.uaknn(), .wuaknn(), .aaknn(), .kernel(), .uaknn(UAKNNOptions(prototypes: false))] {
            expectError(.notReady, "empty \(m)") { _ = try empty.predict([1, 2], method: m) }
            expectError(.notReady, "empty batch \(m)") { _ = try empty.predictBatch([1, 2], count: 1, method: m) }
        }
        expectError(.notReady, "explain empty") { _ = try empty.explain([1, 2]) }
        // Only uniform distributions: every prototype is empty (d[j] > 1/L never holds).
        let uniform = try Model(featureCount: 2, labelCount: 2)
        try uniform.add(key: 1, features: [1, 2], labels: [0.5, 0.5])
        try uniform.add(key: 2, features: [3, 1], labels: [0.5, 0.5])
        #expect(uniform.prototypeSizes == [0, 0])
        for m: Method in [.uaknn(), .wuaknn(), .mix([.aaknn(), .uaknn()])] {
            expectError(.notReady, "prototypes \(m)") { _ = try uniform.predict([1, 2], method: m) }
        }
        expectError(.notReady, "explain prototypes") { _ = try uniform.explain([1, 2]) }
        // Methods that do not need prototypes still work.
        #expect(try uniform.predict([1, 2], method: .aaknn()) == [0.5, 0.5])
        #expect(try uniform.predict([1, 2], method: .uaknn(UAKNNOptions(prototypes: false))) == [0.5, 0.5])
        // A batch of zero queries is fine even on an empty model.
        #expect(try empty.predictBatch([], count: 0).isEmpty)
    }
}
