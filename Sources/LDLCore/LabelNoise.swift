/// Label-noise report (NEIGHBOURS.md F3.1, after kNet): each row's stored
/// distribution against the distribution its neighbours predict without it.
/// Rows whose labels disagree most with their neighbourhood come first.
public struct LabelNoiseRow: Sendable, Equatable {
    public var key: Int64
    /// The stored distribution `d_i`.
    public var labels: [Double]
    /// `ŷ_i`, the leave-one-out prediction.
    public var neighbourLabels: [Double]
    /// `metric(d_i, ŷ_i)`, or `1 − metric` for kinds where higher is better: larger = more suspicious.
    public var score: Double
    /// 1 for the largest score; ties to the lowest key.
    public var rank: Int
    /// argmax of `labels` / `neighbourLabels`, 0-based, ties to the lowest label.
    public var topLabel: Int
    public var neighbourTopLabel: Int
    public var disagrees: Bool
}

public enum LabelNoise {
    /// kNet's "k = 41 or k = 15"; measured detection AUC peaks at k 5–41.
    public static let defaultK = 15

    /// The method of the SQL arguments `method`, `k`, `bandwidth`,
    /// `bandwidth_rule` (and `bandwidth_scale`): `aaknn` (default k 15), `kernel`
    /// (F2.1's kernel over the k nearest other rows), `uaknn`, `wuaknn` (the
    /// model without the row; they have no k).
    public static func method(
        named name: some StringProtocol = "aaknn", k: Int = defaultK, bandwidth: Double? = nil,
        rule: BandwidthRule? = nil, scale: Double = KernelOptions.defaultScale
    ) throws(LDLError) -> Method {
        switch String(name).lowercased() {
        case "aaknn", "aa-knn", "aa_knn": return .aaknn(k: k)
        case "kernel": return .kernel(KernelOptions(k: k, bandwidth: bandwidth, rule: rule, scale: scale))
        case "uaknn": return .uaknn()
        case "wuaknn": return .wuaknn()
        default:
            throw LDLError.invalid(
                "unknown method \"\(name)\" for label noise", hint: "Valid methods are: aaknn, kernel, uaknn, wuaknn.")
        }
    }

    /// The score of a pair: larger = more suspicious.
    public static func score(_ kind: MetricKind, truth: UnsafeBufferPointer<Double>, prediction: UnsafeBufferPointer<Double>)
        -> Double
    {
        let v = Metrics.value(kind, truth: truth, prediction: prediction)
        return kind.higherIsBetter ? 1 - v : v
    }
}

extension Model {
    /// Every row, in rank order (most suspicious first).
    ///
    /// - Throws: `.invalidParameter` when the model has no more rows than the
    ///   method's k (or fewer than 2), for an invalid method, or as
    ///   `leaveOneOutPredictions`; `.cancelled`.
    public func labelNoise(
        method: Method = .aaknn(k: LabelNoise.defaultK), score kind: MetricKind = .kl,
        isCancelled: () -> Bool = { false }
    ) throws(LDLError) -> [LabelNoiseRow] {
        try method.validate()
        let k: Int? =
            switch method {
            case .aaknn(let k): k
            case .kernel(let o): o.k > 0 ? o.k : nil
            default: nil
            }
        if let k, count <= k {
            throw LDLError.invalid(
                "model has \(count) rows, expected more than k = \(k) for leave-one-out",
                hint: "Use a smaller k.")
        }
        let predicted = try leaveOneOut(method: method, isCancelled: isCancelled)
        let L = labelCount
        var rows: [LabelNoiseRow] = []
        rows.reserveCapacity(count)
        try labels.withUnsafeBufferPointer { (d) throws(LDLError) in
            try predicted.withUnsafeBufferPointer { (p) throws(LDLError) in
                for i in 0..<count {
                    if i % Self.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
                    let truth = UnsafeBufferPointer(rebasing: d[(i * L)..<((i + 1) * L)])
                    let prediction = UnsafeBufferPointer(rebasing: p[(i * L)..<((i + 1) * L)])
                    let top = Metrics.topLabel(truth)
                    let neighbourTop = Metrics.topLabel(prediction)
                    rows.append(
                        LabelNoiseRow(
                            key: keys[i], labels: Array(truth), neighbourLabels: Array(prediction),
                            score: LabelNoise.score(kind, truth: truth, prediction: prediction), rank: 0,
                            topLabel: top, neighbourTopLabel: neighbourTop, disagrees: top != neighbourTop))
                }
            }
        }
        rows.sort { $0.score > $1.score || ($0.score == $1.score && $0.key < $1.key) }
        for r in rows.indices { rows[r].rank = r + 1 }
        return rows
    }
}

extension LabelNoise {
    /// The methods a label-noise report runs (the SQL `method` argument).
    public static let methodNames = ["aaknn", "kernel", "uaknn", "wuaknn"]

    /// The method of a SQL call: the model's options (UAKNN's parameters,
    /// `softmax_base`, the kernel's bandwidth) overlaid by the call's
    /// arguments, except that `method` and `k` default to `aaknn` and 15
    /// (`defaultK`), not to the model's: the report asks the neighbourhood,
    /// whatever the model predicts with.
    ///
    /// - Throws: `.invalidParameter` for a method other than `methodNames`, or
    ///   as `Settings.method()`.
    public static func method(options: Settings, call: Settings) throws(LDLError) -> Method {
        var c = call
        if c.text("method") == nil { try c.set("method", .text(methodNames[0])) }
        if c.integer("k") == nil { try c.set("k", .integer(Int64(defaultK))) }
        let name = c.text("method") ?? methodNames[0]
        _ = try method(named: name)  // one of the four, or the error that lists them
        return try options.removing(["members", "weights"]).overlaid(by: c).method()
    }
}
