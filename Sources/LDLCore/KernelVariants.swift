#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Kernel kNN with the bandwidth rules, row weights and the confidence gate
/// of NEIGHBOURS.md F2.1 / F2.2.
extension Model {
    /// The bandwidth `s` in force, or nil for the per-query `kth` rule.
    /// `median` computes (or takes from the cache) `d_med` at `k`, or at
    /// `min(32, M − 1)` for `k = 0` (decision: the all-rows kernel still
    /// needs a neighbourhood to measure the data's scale).
    ///
    /// - Throws: `.invalidParameter` for a model too small for `median`, or a
    ///   median bandwidth of 0 (half the rows sit on their k-th neighbour).
    func kernelBandwidth(_ options: KernelOptions, defaultRule: BandwidthRule = .kth, isCancelled: () -> Bool)
        throws(LDLError) -> Double?
    {
        switch options.resolvedRule(default: defaultRule) {
        case .kth:
            return nil
        case .fixed:
            return options.bandwidth
        case .median:
            let k = options.k > 0 ? options.k : Swift.max(1, Swift.min(KernelOptions.defaultK, eligibleCount - 1))
            let d = try medianNeighbourDistance(k: k, isCancelled: isCancelled)
            let s = options.scale * d
            guard s > 0, s.isFinite else {
                throw LDLError.invalid(
                    "median bandwidth is \(s) (bandwidth_scale \(options.scale) x d_med \(d) at k = \(k)), "
                        + "expected a finite number greater than 0",
                    hint: "Use a larger k or bandwidth_rule fixed.")
            }
            return s
        }
    }

    /// eq. 14's gate over a neighbour set: `g = (1/|N|) Σ exp(−δ_i / 2s²)`,
    /// unweighted; `bandwidth` nil: `s²` = the farthest one's squared distance.
    /// A row on the query counts 1 whatever `s`.
    func gate(neighbours: [Neighbour], bandwidth: Double?) -> Double {
        guard let farthest = neighbours.last else { return 0 }
        let s2 = bandwidth.map { $0 * $0 } ?? farthest.distance
        var sum = 0.0
        for n in neighbours {
            if n.distance == 0 {
                sum += 1
            } else if n.distance.isFinite {
                sum += exp(-n.distance / (2 * s2))
            }
        }
        return sum / Double(neighbours.count)
    }

    /// The kernel prediction (and, with a fallback, the gate) of a block of
    /// queries; `selves` as in `nearestRows` (leave-one-out). The caller blends
    /// with the fallback: `out = g·out + (1 − g)·fallback`.
    func kernelBlock(
        _ block: UnsafeBufferPointer<Double>, count size: Int, options: KernelOptions, bandwidth: Double?,
        selves: [Int]?, into out: UnsafeMutableBufferPointer<Double>, isCancelled: () -> Bool
    ) throws(LDLError) -> [Double] {
        let L = labelCount
        let sets = try nearestRows(
            queries: block, queryCount: size, k: options.k, metric: .euclidean, weighted: true, selves: selves,
            isCancelled: isCancelled)
        let gated = options.fallback != .none
        var gates: [Double] = []
        if gated { gates.reserveCapacity(size) }
        for b in 0..<size {
            let neighbours = sets[b].ascending()
            try kernelValue(
                neighbours: neighbours, bandwidth: bandwidth,
                into: UnsafeMutableBufferPointer(rebasing: out[(b * L)..<((b + 1) * L)]))
            if gated { gates.append(gate(neighbours: neighbours, bandwidth: bandwidth)) }
        }
        return gates
    }

    /// `p = g·p + (1 − g)·fallback`, row by row.
    static func blend(
        _ out: UnsafeMutableBufferPointer<Double>, gates: [Double], fallback: [Double], labelCount L: Int
    ) {
        for (b, g) in gates.enumerated() {
            for j in 0..<L where b * L + j < out.count && b * L + j < fallback.count {
                out[b * L + j] = g * out[b * L + j] + (1 - g) * fallback[b * L + j]
            }
        }
    }

    /// `method = .kernel(options)` for validated queries.
    func kernelBatch(
        _ queries: UnsafeBufferPointer<Double>, count: Int, options: KernelOptions,
        into out: UnsafeMutableBufferPointer<Double>, isCancelled: () -> Bool
    ) throws(LDLError) {
        let n = featureCount
        let L = labelCount
        let bandwidth = try kernelBandwidth(options, isCancelled: isCancelled)
        let fallback = options.fallback.method
        let blockSize = neighbourBlockSize(perQuery: options.k == 0 ? eligibleCount : options.k)
        var scratch: [Double] = fallback == nil ? [] : [Double](repeating: 0, count: Swift.min(blockSize, count) * L)
        var start = 0
        while start < count {
            if isCancelled() { throw LDLError.cancelled }
            let size = Swift.min(blockSize, count - start)
            let block = UnsafeBufferPointer(rebasing: queries[(start * n)..<((start + size) * n)])
            let outBlock = UnsafeMutableBufferPointer(rebasing: out[(start * L)..<((start + size) * L)])
            let gates = try kernelBlock(
                block, count: size, options: options, bandwidth: bandwidth, selves: nil, into: outBlock,
                isCancelled: isCancelled)
            if let fallback {
                try scratch.withUnsafeMutableBufferPointer { (s) throws(LDLError) in
                    try runBatch(
                        block, count: size, method: fallback, into: UnsafeMutableBufferPointer(rebasing: s[0..<(size * L)]),
                        isCancelled: isCancelled)
                }
                Self.blend(outBlock, gates: gates, fallback: scratch, labelCount: L)
            }
            start += size
        }
    }
}

/// The confidence of a prediction (F2.2, eq. 14): how close a query is to
/// the stored rows, `g(x) = (1/|N|) Σ_{i∈N} exp(−||x − x_i||² / 2s²)` over the
/// `k` nearest rows (rows of weight 0 left out, as in the kernel), in (0, 1],
/// 1 only when those rows coincide with `x`. The bandwidth rule defaults to
/// `median` (with `kth` every value would be at least e^{-1/2}).
extension Model {
    /// `g` of `count` queries (row-major) into `out` (`count` values).
    /// `options.fallback` is ignored. Polls `isCancelled` as `predictBatch`.
    public func confidenceBatch(
        _ queries: UnsafeBufferPointer<Double>, count: Int, options: KernelOptions,
        into out: UnsafeMutableBufferPointer<Double>, isCancelled: () -> Bool
    ) throws(LDLError) {
        var o = options
        o.fallback = .none
        try o.validate(defaultRule: .median)
        guard count >= 0 else { throw LDLError.invalid("query count is \(count), expected at least 0") }
        let nq = try Validation.product(count, featureCount, what: "query matrix")
        guard queries.count == nq else {
            throw LDLError.invalid("query matrix has \(queries.count) values, expected \(count) rows x \(featureCount)")
        }
        guard out.count == count else {
            throw LDLError.invalid("output buffer has \(out.count) values, expected \(count)")
        }
        guard count > 0 else { return }
        let n = featureCount
        for r in 0..<count {
            try checkQuery(UnsafeBufferPointer(rebasing: queries[(r * n)..<((r + 1) * n)]), row: count > 1 ? r : nil)
        }
        guard self.count > 0 else { throw LDLError.emptyModel() }
        guard eligibleCount > 0 else { throw LDLError.allWeightsZero() }
        let bandwidth = try kernelBandwidth(o, defaultRule: .median, isCancelled: isCancelled)
        let blockSize = neighbourBlockSize(perQuery: o.k == 0 ? eligibleCount : o.k)
        // Distances to the stored rows are taken in model space (standardized
        // when the model is), as for predictions.
        try withModelSpaceQueries(queries, count: count) { (queries) throws(LDLError) in
            var start = 0
            while start < count {
                if isCancelled() { throw LDLError.cancelled }
                let size = Swift.min(blockSize, count - start)
                let sets = try nearestRows(
                    queries: UnsafeBufferPointer(rebasing: queries[(start * n)..<((start + size) * n)]),
                    queryCount: size, k: o.k, metric: .euclidean, weighted: true, isCancelled: isCancelled)
                for b in 0..<size { out[start + b] = gate(neighbours: sets[b].ascending(), bandwidth: bandwidth) }
                start += size
            }
        }
    }

    /// Convenience: `g` of one query. `k` 0: all rows; `rule` nil: `fixed`
    /// when `bandwidth` is given, else `median`.
    public func confidence(
        _ query: [Double], k: Int = KernelOptions.defaultK, bandwidth: Double? = nil, rule: BandwidthRule? = nil,
        scale: Double = KernelOptions.defaultScale
    ) throws(LDLError) -> Double {
        var g = [0.0]
        let options = KernelOptions(k: k, bandwidth: bandwidth, rule: rule, scale: scale)
        try query.withUnsafeBufferPointer { (q) throws(LDLError) in
            try g.withUnsafeMutableBufferPointer { (o) throws(LDLError) in
                try confidenceBatch(q, count: 1, options: options, into: o, isCancelled: { false })
            }
        }
        return g[0]
    }
}
