/// The SQL side of the paper's focused evaluation (NEIGHBOURS.md G2):
/// `ldl_metric_focused(truth, prediction, kind, threshold)` is
/// `FocusedEvaluation.value`; the aggregate `ldl_score_focused` scores each
/// pair with the six standard metrics here. The default threshold 0.014 is
/// just below 1/68, Gene's uniform level; for L labels a threshold near 1/L
/// is the analogue.
extension FocusedEvaluation {
    /// Validates the pair, focuses it, then writes the six standard metrics
    /// (`MetricKind.standard`, in that order) of the focused pair into `out`.
    ///
    /// - Throws: as `focus` (no true value above the threshold: `.invalidParameter`).
    public static func standard(
        truth a: UnsafeBufferPointer<Double>, prediction b: UnsafeBufferPointer<Double>,
        threshold: Double = defaultThreshold, into out: UnsafeMutableBufferPointer<Double>
    ) throws(LDLError) {
        let (x, y) = try focus(truth: a, prediction: b, threshold: threshold)
        x.withUnsafeBufferPointer { xa in
            y.withUnsafeBufferPointer { yb in
                for (i, kind) in MetricKind.standard.enumerated() where i < out.count {
                    out[i] = Metrics.value(kind, truth: xa, prediction: yb)
                }
            }
        }
    }

    /// Convenience for arrays: the six standard metrics of the focused pair.
    public static func standard(truth: [Double], prediction: [Double], threshold: Double = defaultThreshold)
        throws(LDLError) -> [Double]
    {
        var out = [Double](repeating: 0, count: MetricKind.standard.count)
        try truth.withUnsafeBufferPointer { (a) throws(LDLError) in
            try prediction.withUnsafeBufferPointer { (b) throws(LDLError) in
                try out.withUnsafeMutableBufferPointer { (o) throws(LDLError) in
                    try standard(truth: a, prediction: b, threshold: threshold, into: o)
                }
            }
        }
        return out
    }
}
