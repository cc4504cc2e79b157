import Foundation
import Testing

@testable import LDLCore

/// NEIGHBOURS.md F2.3: the influence of one row on the kernel predictions at the others.
@Suite struct InfluenceTests {
    /// key 1 x={0} d=(1,0); key 2 x={1} d=(0.6,0.4); key 3 x={2.5} d=(0,1).
    static let rows: [(Int64, Double, [Double])] = [(1, 0, [1, 0]), (2, 1, [0.6, 0.4]), (3, 2.5, [0, 1])]

    static func model(without: Int64? = nil) throws -> Model {
        let m = try Model(featureCount: 1, labelCount: 2)
        for (key, x, d) in rows where key != without { try m.add(key: key, features: [x], labels: d) }
        return m
    }

    @Test func specCase() throws {
        let m = try Self.model()
        let options = KernelOptions(k: 2, bandwidth: 1)
        let result = try m.influence(key: 2, options: options)
        #expect(result.map(\.key) == [1, 3])
        #expect(abs(result[0].r - 0.3775406688) <= 1e-9 && abs(result[0].r - exp(-0.5) / (1 + exp(-0.5))) <= 1e-15)
        expectClose(result[0].delta, [-0.1510162675, 0.1510162675], tolerance: 1e-9, "key 1")
        #expect(abs(result[1].r - 0.2450850131) <= 1e-9)
        expectClose(result[1].delta, [0.1470510079, -0.1470510079], tolerance: 1e-9, "key 3")
        // prediction / prediction_without are the model's predictions at x_j with and without the row.
        let without = try Self.model(without: 2)
        for r in result {
            let x = [Self.rows.first { $0.0 == r.key }?.1 ?? .nan]
            #expect(r.prediction == (try m.predict(x, method: .kernel(options))))
            #expect(r.predictionWithout == (try without.predict(x, method: .kernel(options))))
        }
    }

    @Test func onlyRowsWhoseNeighbourhoodHoldsTheRow() throws {
        let m = try Self.model()
        // k = 1: every row is its own nearest: nothing depends on key 2.
        #expect(try m.influence(key: 2, options: KernelOptions(k: 1, bandwidth: 1)).isEmpty)
        // k = 2: key 1's neighbourhood is {1, 2}, key 2's is {2, 1}: key 3 is in neither.
        #expect(try m.influence(key: 3, options: KernelOptions(k: 2, bandwidth: 1)).isEmpty)
        #expect(try m.influence(key: 1, options: KernelOptions(k: 2, bandwidth: 1)).map(\.key) == [2])
        // kth: x_j's bandwidth is the distance to its k-th neighbour, before removal.
        let kth = try m.influence(key: 2, options: KernelOptions(k: 2))
        #expect(abs(kth[0].r - exp(-0.5) / (1 + exp(-0.5))) <= 1e-15, "key 1: s² = 1")
        #expect(abs(kth[1].r - exp(-0.5) / (1 + exp(-0.5))) <= 1e-15, "key 3: s² = 2.25")
        // All rows: every other row, shares of the whole model.
        let all = try m.influence(key: 2, options: KernelOptions(k: 0, bandwidth: 1))
        #expect(all.count == 2 && all.allSatisfy { $0.r > 0 && $0.r < 1 })
    }

    @Test func weightsAndErrors() throws {
        let m = try Model(featureCount: 1, labelCount: 2)
        for (r, (key, x, d)) in Self.rows.enumerated() { try m.add(key: key, features: [x], labels: d, weight: [1, 3, 0][r]) }
        let w = try m.influence(key: 2, options: KernelOptions(k: 2, bandwidth: 1))
        // Key 3 (weight 0) is a query but no neighbour; key 1's share is 3e^{-1/2}/(1 + 3e^{-1/2}).
        #expect(w.map(\.key) == [3, 1])
        #expect(abs(w[1].r - 3 * exp(-0.5) / (1 + 3 * exp(-0.5))) <= 1e-15)
        // At x = 2.5 the neighbours are keys 2 (δ 2.25) and 1 (δ 6.25).
        #expect(abs(w[0].r - 3 / (3 + exp(-2))) <= 1e-15 && w[0].predictionWithout == [1, 0])
        #expect(try m.influence(key: 3, options: KernelOptions(k: 2, bandwidth: 1)).isEmpty, "weight 0 influences nothing")
        expectError(.invalidParameter, "unknown key") { _ = try m.influence(key: 9) }
        expectError(.invalidParameter, "k 0 kth") { _ = try m.influence(key: 1, options: KernelOptions(k: 0)) }
    }
}
