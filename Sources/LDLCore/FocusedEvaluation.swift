/// The paper's focused evaluation for data with many labels (section 6): keep
/// the label positions where the true value exceeds a threshold, take those
/// positions of both vectors, normalize each with Softmax* (base 2), then
/// apply the metric. It scores how well the labels that matter are ranked,
/// without the long tail of near-zero labels dominating the distances.
public enum FocusedEvaluation {
    /// The paper's threshold.
    public static let defaultThreshold = 0.014

    /// One metric on the focused positions.
    ///
    /// - Throws: `.invalidParameter` when the pair is not valid (see
    ///   `Metrics.validate`), the threshold is not finite, or no true value
    ///   exceeds the threshold (there would be nothing to compare).
    public static func value(
        _ kind: MetricKind, truth a: UnsafeBufferPointer<Double>, prediction b: UnsafeBufferPointer<Double>,
        threshold: Double = defaultThreshold
    ) throws(LDLError) -> Double {
        let (x, y) = try focus(truth: a, prediction: b, threshold: threshold)
        return x.withUnsafeBufferPointer { xa in
            y.withUnsafeBufferPointer { yb in Metrics.value(kind, truth: xa, prediction: yb) }
        }
    }

    /// Convenience for arrays.
    public static func value(
        _ kind: MetricKind, truth: [Double], prediction: [Double], threshold: Double = defaultThreshold
    ) throws(LDLError) -> Double {
        try truth.withUnsafeBufferPointer { (a) throws(LDLError) in
            try prediction.withUnsafeBufferPointer { (b) throws(LDLError) in
                try value(kind, truth: a, prediction: b, threshold: threshold)
            }
        }
    }

    /// The focused pair: the kept positions of each vector, each normalized
    /// with Softmax* of base 2.
    public static func focus(
        truth a: UnsafeBufferPointer<Double>, prediction b: UnsafeBufferPointer<Double>,
        threshold: Double = defaultThreshold
    ) throws(LDLError) -> (truth: [Double], prediction: [Double]) {
        try Metrics.validate(truth: a, prediction: b)
        guard threshold.isFinite else {
            throw LDLError.invalid("threshold is \(threshold), expected a finite number")
        }
        var x: [Double] = []
        var y: [Double] = []
        for j in 0..<a.count where a[j] > threshold {
            x.append(a[j])
            y.append(b[j])
        }
        guard !x.isEmpty else {
            throw LDLError.invalid(
                "no true label value exceeds the threshold \(threshold)",
                hint: "Use a lower threshold for focused evaluation.")
        }
        x.withUnsafeMutableBufferPointer { Softmax.applyBase($0, base: 2) }
        y.withUnsafeMutableBufferPointer { Softmax.applyBase($0, base: 2) }
        return (x, y)
    }
}
