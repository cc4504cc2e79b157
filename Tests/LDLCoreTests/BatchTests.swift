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
        for m in [Method.uaknn(), .aaknn(), .kernel(), .uaknn(UAKNNOptions(prototypes: false)), .ensemble([.uaknn(), .wuaknn()])] {
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
        #expect(Model.blockSize(featureCount: 1869, labelCount: 5) == 32)
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
