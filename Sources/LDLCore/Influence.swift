#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which rows' kernel predictions depend on one row, and how much
/// (NEIGHBOURS.md F2.3, the review's eq. 12/13). For every other row j whose
/// neighbourhood N_k(x_j) — the k nearest rows to x_j, j itself included (the
/// model predicts a query at x_j from all rows) — contains row 0:
/// `r_j = w_0 K(x_j, x_0) / Σ_{i∈N_k(x_j)} w_i K(x_j, x_i)` with x_j's bandwidth
/// before removal, and `delta = r_j (d_0 − d_j)` (eq. 13: the first-order
/// change row 0 causes at x_j).
public struct InfluenceRow: Sendable, Equatable {
    public var key: Int64
    public var r: Double
    public var delta: [Double]
    /// The kernel prediction at x_j by the whole model.
    public var prediction: [Double]
    /// The kernel prediction at x_j without row 0 (its k nearest other rows;
    /// `kth` takes its bandwidth from them, `median` keeps this model's d_med).
    /// nil when no other row can serve (all others of weight 0).
    public var predictionWithout: [Double]?
}

extension Model {
    /// The rows influenced by the row with `key`, by `r` descending (ties to
    /// the lowest key). `options.fallback` is ignored. A row of weight 0
    /// influences nothing.
    ///
    /// - Throws: `.invalidParameter` for an unknown key or invalid options; `.cancelled`.
    public func influence(key: Int64, options: KernelOptions = KernelOptions(), isCancelled: () -> Bool = { false })
        throws(LDLError) -> [InfluenceRow]
    {
        var o = options
        o.fallback = .none
        try o.validate()
        guard let source = indexOfKey[key] else {
            throw LDLError.invalid("no row with key \(key)", hint: "Pass the key of a row of the model.")
        }
        guard isEligible(source) else { return [] }
        let L = labelCount
        let bandwidth = try kernelBandwidth(o, isCancelled: isCancelled)
        let available = eligibleCount
        let k = o.k == 0 ? available : Swift.min(o.k, available)
        let blockSize = neighbourBlockSize(perQuery: k + 1)
        var rows: [InfluenceRow] = []
        var start = 0
        while start < count {
            if isCancelled() { throw LDLError.cancelled }
            let size = Swift.min(blockSize, count - start)
            try storedRows(start, size) { (block) throws(LDLError) in
                let sets = try nearestRows(
                    queries: block, queryCount: size, k: k, metric: .euclidean, weighted: true, extra: 1,
                    isCancelled: isCancelled)
                for b in 0..<size where start + b != source {
                    let j = start + b
                    let all = sets[b].ascending()
                    let with = Array(all.prefix(k))
                    guard let position = with.firstIndex(where: { $0.index == source }) else { continue }
                    let without = Array(all.filter { $0.index != source }.prefix(k))
                    let r = kernelShares(with, bandwidth: bandwidth)[position]
                    var prediction = [Double](repeating: 0, count: L)
                    try prediction.withUnsafeMutableBufferPointer { (p) throws(LDLError) in
                        try kernelValue(neighbours: with, bandwidth: bandwidth, into: p)
                    }
                    var predictionWithout: [Double]? = nil
                    if !without.isEmpty {
                        var p2 = [Double](repeating: 0, count: L)
                        try p2.withUnsafeMutableBufferPointer { (p) throws(LDLError) in
                            try kernelValue(neighbours: without, bandwidth: bandwidth, into: p)
                        }
                        predictionWithout = p2
                    }
                    let delta = (0..<L).map { r * (labels[source * L + $0] - labels[j * L + $0]) }
                    rows.append(
                        InfluenceRow(
                            key: keys[j], r: r, delta: delta, prediction: prediction, predictionWithout: predictionWithout))
                }
            }
            start += size
        }
        rows.sort { $0.r > $1.r || ($0.r == $1.r && $0.key < $1.key) }
        return rows
    }

    /// Each neighbour's share of the kernel weight (summing to 1), with the
    /// exponents of `kernelValue`: `ln w_i − (δ_i − δ_min)/2s²`, the largest subtracted.
    func kernelShares(_ neighbours: [Neighbour], bandwidth: Double?) -> [Double] {
        guard let nearest = neighbours.first, let farthest = neighbours.last else { return [] }
        let s2 = bandwidth.map { $0 * $0 } ?? farthest.distance
        let exponents = neighbours.map { n -> Double in
            let w = rowWeight(n.index)
            guard w > 0 else { return -.infinity }
            var e = log(w)
            if n.distance != nearest.distance {
                let t = n.distance - nearest.distance
                e += t.isFinite ? -t / (2 * s2) : -.infinity
            }
            return e
        }
        let largest = exponents.max() ?? 0
        guard largest.isFinite else { return Array(repeating: 0, count: neighbours.count) }
        let terms = exponents.map { exp($0 - largest) }
        let total = terms.reduce(0, +)
        return terms.map { $0 / total }
    }
}
