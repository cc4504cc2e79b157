import LDLCore

/// How a model's fit is stored in its catalog row (docs/tuning.md §§ 2, 4):
/// two float8[] columns, written by `uaknn_refit` and `uaknn_tune`, read by
/// every backend's cache.
///
/// - `feature_stats`: the standardization statistics, `mean[N]` then `sd[N]`.
/// - `maxent`: the maximum-entropy fit, `[format, l2, N, L, rows, W, mean, sd]`:
///   `format` is 1; `rows` the rows it was fitted on; `W` the `(N + 1) x L`
///   weights row-major, the bias last; `mean[N]` and `sd[N]` the statistics
///   it z-scores raw features with (its own: it is always fitted on the rows
///   as stored, whatever the model's `standardize`).
enum FitStorage {
    static let maxentFormat = 1.0
    static let maxentHeader = 5

    static func statistics(_ s: Standardization) -> [Double] { s.mean + s.sd }

    /// Statistics from `feature_stats`; nil for an empty array.
    static func statistics(_ values: [Double]) throws(LDLError) -> Standardization? {
        guard !values.isEmpty else { return nil }
        guard values.count % 2 == 0 else {
            throw LDLError(.internal, "feature_stats has \(values.count) values, expected a mean and an sd per feature")
        }
        let n = values.count / 2
        return try Standardization(mean: Array(values[0..<n]), sd: Array(values[n...]))
    }

    /// A fit made on rows as stored (it has statistics of its own).
    static func maxent(_ fit: MaxEntFit) throws(LDLError) -> [Double] {
        guard let s = fit.standardization else {
            throw LDLError(.internal, "a stored maximum-entropy fit needs statistics of its own")
        }
        return [maxentFormat, fit.l2, Double(fit.featureCount), Double(fit.labelCount), Double(fit.sampleCount)]
            + fit.weights + s.mean + s.sd
    }

    /// A fit from `maxent` (with its own statistics); nil for an empty array.
    static func maxent(_ values: [Double]) throws(LDLError) -> MaxEntFit? {
        guard !values.isEmpty else { return nil }
        guard values.count >= maxentHeader, values[0] == maxentFormat else {
            throw LDLError(.internal, "maxent column is not in format \(Int(maxentFormat))")
        }
        let (l2, nd, ld, rows) = (values[1], values[2], values[3], values[4])
        guard nd >= 1, ld >= 2, nd <= Double(Int32.max), ld <= Double(Model.maximumLabelCount), rows >= 0,
            rows <= Double(Int64.max / 2), nd == nd.rounded(), ld == ld.rounded()
        else { throw LDLError(.internal, "maxent column has a malformed header") }
        let (n, l) = (Int(nd), Int(ld))
        let w = (n + 1) * l
        guard values.count == maxentHeader + w + 2 * n else {
            throw LDLError(.internal, "maxent column has \(values.count) values, expected \(maxentHeader + w + 2 * n)")
        }
        let body = values[maxentHeader...]
        let weights = Array(body.prefix(w))
        let mean = Array(body.dropFirst(w).prefix(n))
        let sd = Array(body.dropFirst(w + n))
        return try MaxEntFit(
            featureCount: n, labelCount: l, weights: weights, standardization: try Standardization(mean: mean, sd: sd),
            l2: l2, sampleCount: Int(rows))
    }

    /// `fit` as a model predicts with it: with its own statistics for a model
    /// of raw rows; for a standardized model (whose queries arrive z-scored
    /// with `model`'s statistics), without statistics when they are the
    /// fit's own (a refit stores both from the same rows), else with the
    /// statistics that take the model's z-scores to the fit's.
    static func attachable(_ fit: MaxEntFit, to model: Standardization?) throws(LDLError) -> MaxEntFit {
        guard let model, let own = fit.standardization else { return fit }
        var statistics: Standardization? = nil
        if own != model {
            let n = own.featureCount
            statistics = try Standardization(
                mean: (0..<n).map { (own.mean[$0] - model.mean[$0]) / model.sd[$0] },
                sd: (0..<n).map { own.sd[$0] / model.sd[$0] })
        }
        return try MaxEntFit(
            featureCount: fit.featureCount, labelCount: fit.labelCount, weights: fit.weights,
            standardization: statistics, l2: fit.l2, sampleCount: fit.sampleCount)
    }
}

extension Method {
    /// Whether the method, or a member of it, is `maxent`.
    var usesMaxEnt: Bool {
        switch self {
        case .maxent: return true
        case .mix(let members, _): return members.contains { $0.usesMaxEnt }
        default: return false
        }
    }

    /// The l2 of every `maxent` in the method and its members, in order.
    var maxEntL2s: [Double] {
        switch self {
        case .maxent(let l2): return [l2]
        case .mix(let members, _): return members.flatMap(\.maxEntL2s)
        default: return []
        }
    }

    /// The one l2 a model's stored fit must be made with for this method
    /// (nil: the method has no maxent part); members asking for different
    /// ones are refused, since a model stores one fit.
    func storedFitL2() throws(LDLError) -> Double? {
        let l2s = maxEntL2s
        guard let first = l2s.first else { return nil }
        guard l2s.allSatisfy({ $0 == first }) else {
            throw LDLError.invalid(
                "maximum-entropy members ask for different l2 values (\(l2s.map { "\($0)" }.joined(separator: ", ")))",
                hint: "A model stores one maximum-entropy fit: give every maxent member the same l2.")
        }
        return first
    }
}

/// A model name as a SQL string literal, for hints.
func sqlLiteral(_ text: String) -> String {
    "'" + text.replacingAll("'", with: "''") + "'"
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
