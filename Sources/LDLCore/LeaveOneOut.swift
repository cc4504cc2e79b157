/// Leave-one-out predictions: every stored row predicted by the model
/// without it (NEIGHBOURS.md F3.1, also behind F4.1's `evaluate`). Batched:
/// the rows are the queries, in blocks, each block one pass over the model
/// that skips each query's own row, so the whole run costs about as much as
/// predicting M queries. A row's result equals the prediction at its
/// features by the model without that row, with two documented exceptions:
/// the `median` bandwidth's `d_med` and a `prior` are those of the full
/// model version (d_med; the prior is recomputed without the row to 1e-15).
public struct LeaveOneOutPrediction: Sendable, Equatable {
    public var key: Int64
    public var prediction: [Double]
}

extension Model {
    /// The leave-one-out prediction of every row, in key order.
    ///
    /// - Throws: `.invalidParameter` for an invalid method or a model of
    ///   fewer than 2 rows; `.notReady` as `predict`; `.cancelled`.
    public func leaveOneOutPredictions(method: Method, isCancelled: () -> Bool = { false }) throws(LDLError)
        -> [LeaveOneOutPrediction]
    {
        let flat = try leaveOneOut(method: method, isCancelled: isCancelled)
        let L = labelCount
        return keyOrder.map { i in
            LeaveOneOutPrediction(key: keys[i], prediction: Array(flat[(i * L)..<((i + 1) * L)]))
        }
    }

    /// The leave-one-out predictions in storage order, `count x labelCount`.
    /// The last set is kept (`NeighbourCache.leaveOneOut`) until the next
    /// `add` or a call with another method.
    func leaveOneOut(method: Method, isCancelled: () -> Bool) throws(LDLError) -> [Double] {
        try method.validate()
        guard count >= 2 else {
            throw LDLError.invalid("model has \(count) rows, expected at least 2 for leave-one-out")
        }
        try checkCanPredict(method)
        if let cached = neighbourCache.leaveOneOut, cached.method == method,
            cached.predictions.count == count * labelCount
        {
            return cached.predictions
        }
        neighbourCache.leaveOneOut = nil  // free the previous set before computing the next
        var out = [Double](repeating: 0, count: count * labelCount)
        try out.withUnsafeMutableBufferPointer { (o) throws(LDLError) in
            try leaveOneOut(method, into: o, isCancelled: isCancelled)
        }
        neighbourCache.leaveOneOut = (method, out)
        return out
    }

    private func leaveOneOut(_ method: Method, into out: UnsafeMutableBufferPointer<Double>, isCancelled: () -> Bool)
        throws(LDLError)
    {
        let L = labelCount
        switch method {
        case .maxent:
            throw LDLError.invalid(
                "leave-one-out predictions are not available for maxent",
                hint: "A maximum-entropy fit without each row would refit the model once per row.")
        case .prior:
            // (Σ_j d_j − d_i) / (M − 1), the sum in key order as the prior's.
            let m = Double(count)
            let sum = priorDistribution().map { $0 * m }
            for i in 0..<count {
                if i % Self.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
                for j in 0..<L { out[i * L + j] = Swift.max(0, (sum[j] - labels[i * L + j]) / (m - 1)) }
            }
        case .mix(let members, let weights):
            for i in 0..<out.count { out[i] = 0 }
            var scratch = [Double](repeating: 0, count: out.count)
            for (member, share) in zip(members, Self.mixShares(members: members.count, weights: weights)) where share > 0 {
                try scratch.withUnsafeMutableBufferPointer { (s) throws(LDLError) in
                    try leaveOneOut(member, into: s, isCancelled: isCancelled)
                }
                for i in 0..<out.count { out[i] += share * scratch[i] }
            }
        case .kernel(let options):
            let bandwidth = try kernelBandwidth(options, isCancelled: isCancelled)
            var gates: [Double] = []
            try forEachBlock(perQuery: options.k == 0 ? eligibleCount : options.k, isCancelled: isCancelled) {
                (start, size, block) throws(LDLError) in
                gates += try kernelBlock(
                    block, count: size, options: options, bandwidth: bandwidth, selves: Array(start..<(start + size)),
                    into: UnsafeMutableBufferPointer(rebasing: out[(start * L)..<((start + size) * L)]),
                    isCancelled: isCancelled)
            }
            if let fallback = options.fallback.method {
                var scratch = [Double](repeating: 0, count: out.count)
                try scratch.withUnsafeMutableBufferPointer { (s) throws(LDLError) in
                    try leaveOneOut(fallback, into: s, isCancelled: isCancelled)
                }
                Self.blend(out, gates: gates, fallback: scratch, labelCount: L)
            }
        case .aaknn(let k):
            try forEachBlock(perQuery: k, isCancelled: isCancelled) { (start, size, block) throws(LDLError) in
                let sets = try nearestRows(
                    queries: block, queryCount: size, k: k, metric: .euclidean, weighted: true,
                    selves: Array(start..<(start + size)), isCancelled: isCancelled)
                for b in 0..<size {
                    let o = UnsafeMutableBufferPointer(rebasing: out[((start + b) * L)..<((start + b + 1) * L)])
                    let neighbours = sets[b].ascending()
                    if hasWeights {
                        try aaknnWeightedFinish(neighbours: neighbours, into: o)
                    } else {
                        aaknnFinish(neighbours: neighbours, into: o)
                    }
                }
            }
        case .uaknn, .wuaknn:
            var unit = [Double](repeating: 0, count: 0)
            try forEachBlock(perQuery: L, isCancelled: isCancelled) { (start, size, block) throws(LDLError) in
                let n = featureCount
                if unit.count < size * n { unit = [Double](repeating: 0, count: size * n) }
                unit.withUnsafeMutableBufferPointer { u in
                    for b in 0..<size {
                        Similarity.normalize(
                            UnsafeBufferPointer(rebasing: block[(b * n)..<((b + 1) * n)]),
                            into: UnsafeMutableBufferPointer(rebasing: u[(b * n)..<((b + 1) * n)]))
                    }
                }
                let selves = Array(start..<(start + size))
                let matched = try unit.withUnsafeBufferPointer { (u) throws(LDLError) in
                    try matchesLeavingOut(
                        unitQueries: UnsafeBufferPointer(rebasing: u[0..<(size * n)]), queryCount: size, selves: selves,
                        method: method, isCancelled: isCancelled)
                }
                for b in 0..<size {
                    let i = start + b
                    let o = UnsafeMutableBufferPointer(rebasing: out[(i * L)..<((i + 1) * L)])
                    do throws(LDLError) {
                        switch method {
                        case .uaknn(let options):
                            _ = try uaknnFinish(
                                matches: matched[b], query: UnsafeBufferPointer(rebasing: block[(b * n)..<((b + 1) * n)]),
                                options: options, into: o, isCancelled: isCancelled)
                        case .wuaknn(let base):
                            try wuaknnFinish(matches: matched[b], softmaxBase: base, into: o)
                        default:
                            break
                        }
                    } catch {
                        guard error.kind != .cancelled else { throw error }
                        var e = error
                        e.message = "without the row with key \(keys[i]): " + e.message
                        throw e
                    }
                }
            }
        }
    }

    /// Calls `body(start, size, rows)` for consecutive blocks of stored rows,
    /// polling `isCancelled` before each.
    private func forEachBlock(
        perQuery: Int, isCancelled: () -> Bool,
        _ body: (Int, Int, UnsafeBufferPointer<Double>) throws(LDLError) -> Void
    ) throws(LDLError) {
        let blockSize = neighbourBlockSize(perQuery: perQuery)
        var start = 0
        while start < count {
            if isCancelled() { throw LDLError.cancelled }
            let size = Swift.min(blockSize, count - start)
            try storedRows(start, size) { (block) throws(LDLError) in try body(start, size, block) }
            start += size
        }
    }

    /// UAKNN's step 2 for stored rows as unit queries, each without itself:
    /// the best member of each prototype other than the query's own row (the
    /// prototypes without row i are those of the model minus the row, since
    /// membership depends on a row's own labels only); or, for the
    /// `prototypes = false` ablation, the L nearest other rows by cosine.
    private func matchesLeavingOut(
        unitQueries: UnsafeBufferPointer<Double>, queryCount: Int, selves: [Int], method: Method,
        isCancelled: () -> Bool
    ) throws(LDLError) -> [[Match]] {
        if case .uaknn(let o) = method, !o.prototypes {
            let sets = try nearestRows(
                queries: unitQueries, queryCount: queryCount, k: labelCount, metric: .cosine, weighted: false,
                selves: selves, isCancelled: isCancelled)
            return sets.map { set in
                set.ascending().enumerated().map { rank, n in
                    Match(label: rank, index: n.index, key: n.key, mu: -n.distance)
                }
            }
        }
        return try prototypeMatches(
            unitQueries: unitQueries, queryCount: queryCount, isCancelled: isCancelled,
            filter: RowFilter(excludedPerQuery: Array(selves.prefix(queryCount))))
    }
}
