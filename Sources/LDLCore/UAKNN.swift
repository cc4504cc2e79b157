/// UAKNN's steps after the scan (spec "UAKNN", steps 1-7).

/// A matched sample of step 2: the prototype's label (or the neighbour's rank
/// in the `prototypes = false` ablation), the sample and its cosine `μ`.
struct Match {
    var label: Int
    var index: Int
    var key: Int64
    var mu: Double
}

extension Model {
    /// Step 2 for a block of unit queries: one match per non-empty prototype,
    /// by ascending label; or, with `prototypes = false`, the `L` nearest
    /// samples of the whole model by cosine, nearest first.
    func matchesForUAKNN(
        unitQueries: UnsafeBufferPointer<Double>, queryCount: Int, options: UAKNNOptions,
        isCancelled: () -> Bool, filter: RowFilter = RowFilter()
    ) throws(LDLError) -> [[Match]] {
        if options.prototypes {
            return try prototypeMatches(
                unitQueries: unitQueries, queryCount: queryCount, isCancelled: isCancelled, filter: filter)
        }
        let sets = try scanNearest(
            queries: unitQueries, queryCount: queryCount, k: labelCount, metric: .cosine,
            isCancelled: isCancelled, filter: filter)
        return sets.map { set in
            set.ascending().enumerated().map { rank, n in
                Match(label: rank, index: n.index, key: n.key, mu: -n.distance)
            }
        }
    }

    /// Step 2 with prototypes, as lists of matches (empty prototypes left out).
    func prototypeMatches(
        unitQueries: UnsafeBufferPointer<Double>, queryCount: Int, isCancelled: () -> Bool,
        filter: RowFilter = RowFilter()
    ) throws(LDLError) -> [[Match]] {
        let found = try scanPrototypes(
            unitQueries: unitQueries, queryCount: queryCount, isCancelled: isCancelled, filter: filter)
        return found.map { p in
            var list: [Match] = []
            for j in 0..<p.index.count where p.index[j] >= 0 {
                list.append(Match(label: j, index: p.index[j], key: p.key[j], mu: p.score[j]))
            }
            return list
        }
    }

    /// Steps 3-7 for one query: writes the prediction into `out` (`labelCount`
    /// values) and `z` into `zOut` if it has room. `query` (as given) seeds the
    /// generator of `sampled` mode. Returns the intermediates when `explain`.
    /// In `sampled` mode `isCancelled` is polled before each prototype's draws
    /// (up to 2 × `samples` normals each), so that one long query can be stopped.
    func uaknnFinish(
        matches: [Match], query: UnsafeBufferPointer<Double>, options: UAKNNOptions,
        into out: UnsafeMutableBufferPointer<Double>, z zOut: UnsafeMutableBufferPointer<Double>? = nil,
        explain: Bool = false, isCancelled: () -> Bool = { false }
    ) throws(LDLError) -> [PrototypeExplanation] {
        guard !matches.isEmpty else { throw LDLError.allPrototypesEmpty() }
        let L = labelCount
        // Step 3: m = softmax(μ / τ).
        var m = matches.map(\.mu)
        Softmax.apply(&m, scale: 1 / options.temperature)
        // Steps 4-6: w_j = S_j + c_j.
        let sd = options.variance.squareRoot()
        var normals: NormalGenerator? =
            options.mode == .sampled ? NormalGenerator(SplitMix64(seed: options.seed, query: query)) : nil
        var w = [Double](repeating: 0, count: matches.count)
        var parts: [PrototypeExplanation] = []
        if explain { parts.reserveCapacity(matches.count) }
        for j in 0..<matches.count {
            let mean = m[j]
            let perturbed = options.perturbationRatio * mean
            var s = 0.0
            var c = 0.0
            if var g = normals {
                if isCancelled() { throw LDLError.cancelled }
                s = ClippedNormal.sampledMean(mean: mean, sd: sd, count: options.samples, normals: &g)
                if options.perturbation {
                    c = ClippedNormal.sampledMean(mean: perturbed, sd: sd, count: options.samples, normals: &g)
                }
                normals = g
            } else {
                s = ClippedNormal.expectation(mean: mean, sd: sd)
                if options.perturbation { c = ClippedNormal.expectation(mean: perturbed, sd: sd) }
            }
            w[j] = s + c
            if explain {
                let match = matches[j]
                parts.append(
                    PrototypeExplanation(
                        label: match.label, key: match.key, mu: match.mu, softmax: mean, s: s, c: c, w: w[j]))
            }
        }
        // Step 7: z = Σ_j w_j D_j, then normalize.
        var z = [Double](repeating: 0, count: L)
        for j in 0..<matches.count {
            let base = matches[j].index * L
            for k in 0..<L { z[k] += w[j] * labels[base + k] }
        }
        if let zOut {
            for k in 0..<Swift.min(L, zOut.count) { zOut[k] = z[k] }
        }
        guard out.count >= L else {
            throw LDLError(.internal, "output buffer has \(out.count) elements, expected \(L)")
        }
        switch options.normalization {
        case .softmax:
            for k in 0..<L { out[k] = z[k] }
            Softmax.applyBase(UnsafeMutableBufferPointer(rebasing: out[0..<L]), base: options.softmaxBase)
        case .linear:
            let total = z.reduce(0, +)
            guard total > 0, total.isFinite else {
                throw LDLError(
                    .invalidParameter, "the weighted label sum is \(total), cannot normalize it linearly",
                    hint: "Use normalization softmax, or a larger variance.")
            }
            for k in 0..<L { out[k] = z[k] / total }
        }
        return parts
    }
}

extension LDLError {
    /// No prototype has a member, so UAKNN and WUAKNN have nothing to match.
    static func allPrototypesEmpty() -> LDLError {
        LDLError(
            .notReady, "every prototype of the model is empty",
            detail: "A sample joins the prototype of label j when its value for j exceeds 1/L.",
            hint: "Add samples whose label distributions are not uniform, or use prototypes = false.")
    }
}
