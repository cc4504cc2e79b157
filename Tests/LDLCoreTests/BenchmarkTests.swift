import Foundation
import Testing

@testable import LDLCore

/// Timing of the scans on a Movie-sized random model (7755 x 1869, 5 labels).
/// Runs only with `UAKNN_BENCH=1`, in release:
/// `UAKNN_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter Benchmark`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["UAKNN_BENCH"] == "1"))
struct BenchmarkTests {
    @Test func movieSizedModel() throws {
        let rows = 7755
        let n = 1869
        let l = 5
        var rng = TestRandom(42)
        let model = try Model(featureCount: n, labelCount: l)
        model.reserveCapacity(additional: rows)
        for i in 0..<rows {
            try model.add(
                key: Int64(i), features: (0..<n).map { _ in Double.random(in: 0...1, using: &rng) },
                labels: rng.distribution(l))
        }
        let queryCount = 64
        let queries = (0..<(queryCount * n)).map { _ in Double.random(in: 0...1, using: &rng) }
        let clock = ContinuousClock()
        func ms(_ d: Duration) -> Double {
            Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
        }
        var sink = 0.0
        /// The bare matrix-vector product over the same storage: the memory-bandwidth floor.
        func bare(_ q: Int) {
            model.rawFeatures.withUnsafeBufferPointer { x in
                queries.withUnsafeBufferPointer { qs in
                    guard let xb = x.baseAddress, let qb = qs.baseAddress else { return }
                    for i in 0..<rows { sink += Similarity.dot(qb + q * n, xb + i * n, n) }
                }
            }
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let methods: [Method] = [.uaknn(), .wuaknn(), .aaknn(), .kernel(), .uaknn(UAKNNOptions(prototypes: false))]
        var single = Array(repeating: [Double](), count: methods.count)
        var batch = Array(repeating: [Double](), count: methods.count)
        var floor: [Double] = []
        var scanOnly: [Double] = []
        for round in 0..<24 {
            let q = round % queryCount
            let query = Array(queries[(q * n)..<((q + 1) * n)])
            floor.append(ms(clock.measure { bare(q) }))
            var unit = [Double](repeating: 0, count: n)
            unit.withUnsafeMutableBufferPointer { u in query.withUnsafeBufferPointer { Similarity.normalize($0, into: u) } }
            scanOnly.append(ms(try clock.measure {
                _ = try unit.withUnsafeBufferPointer { u in try model.scanPrototypes(unitQueries: u, queryCount: 1, isCancelled: { false }) }
            }))
            for (m, method) in methods.enumerated() {
                single[m].append(ms(try clock.measure { _ = try model.predict(query, method: method) }))
                if round < 3 {
                    let t = try clock.measure { _ = try model.predictBatch(queries, count: queryCount, method: method) }
                    batch[m].append(ms(t) / Double(queryCount))
                }
            }
        }
        print("bench model memory: \(model.memoryBytes / 1_048_576) MiB for \(rows) x \(n)")
        print("bench bare matvec: \(median(floor)) ms/query (\(sink > 0)); prototype scan alone \(median(scanOnly)) ms")
        for (m, method) in methods.enumerated() {
            let label = if case .uaknn(let o) = method, !o.prototypes { "uaknn prototypes=false" } else { method.name }
            print("bench \(label): single \(median(single[m])) ms/query, batch of \(queryCount) \(median(batch[m])) ms/query")
        }
    }
}
