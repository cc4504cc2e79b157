/// Label smoothing before prediction (NEIGHBOURS.md F3.2, kNet's target as a
/// data transform): every stored distribution becomes
/// `d̃_i = (1 − λ) d_i + λ ŷ_i`, `ŷ_i` the leave-one-out AA-kNN distribution
/// with k = `smoothK` (F3.1, row weights honoured). Measured: it never beat
/// simply using a larger k, so it is off by default and meant for CV.
extension Model {
    public static let defaultSmoothK = 15

    /// A model with the same keys, features and weights and smoothed labels
    /// (prototypes rebuilt from them, `> 1/L`); `lambda = 0` returns this very
    /// model. The last smoothed copy is cached until the next `add`.
    ///
    /// - Throws: `.invalidParameter` for `lambda` outside [0, 1], `smoothK < 1`
    ///   or a model of no more than `smoothK` rows; `.cancelled`.
    public func smoothed(lambda: Double, smoothK: Int = Model.defaultSmoothK, isCancelled: () -> Bool = { false })
        throws(LDLError) -> Model
    {
        guard lambda.isFinite, lambda >= 0, lambda <= 1 else {
            throw LDLError.invalid("smooth_lambda is \(lambda), expected a number from 0 to 1")
        }
        guard smoothK >= 1 else { throw LDLError.invalid("smooth_k is \(smoothK), expected at least 1") }
        if lambda == 0 { return self }
        if let cached = neighbourCache.smoothed, cached.lambda == lambda, cached.k == smoothK { return cached.model }
        guard count > smoothK else {
            throw LDLError.invalid("model has \(count) rows, expected more than smooth_k = \(smoothK)")
        }
        let predicted = try leaveOneOut(method: .aaknn(k: smoothK), isCancelled: isCancelled)
        let L = labelCount
        let n = featureCount
        let copy = try Model(featureCount: n, labelCount: L, labelPolicy: LabelPolicy(normalize: true), storage: requestedStorage)
        copy.reserveCapacity(additional: count)
        var row = [Double](repeating: 0, count: L)
        for i in 0..<count {
            if i % Self.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
            for j in 0..<L {
                // Clamped: a convex combination of distributions, up to rounding.
                row[j] = Swift.min(1, Swift.max(0, (1 - lambda) * labels[i * L + j] + lambda * predicted[i * L + j]))
            }
            try copy.add(
                key: keys[i], features: storedFeatures(i, 1), labels: row,
                weight: weights.map { $0[i] })
        }
        neighbourCache.smoothed = (lambda, smoothK, copy)
        return copy
    }
}
