/// The prior (TUNING.md "Prior"): the mean of the model's label
/// distributions, `(1/M) Σ_i d_i`, whatever the query.
extension Model {
    /// The mean label distribution, summed in key order so that it does not
    /// depend on the order the rows arrived in; cached until the next `add`.
    public func priorDistribution() -> [Double] {
        if let cached = priorCache { return cached }
        var mean = [Double](repeating: 0, count: labelCount)
        guard count > 0 else { return mean }
        let order = keyOrder
        for i in order {
            let base = i * labelCount
            for j in 0..<labelCount { mean[j] += labels[base + j] }
        }
        let m = Double(count)
        for j in 0..<labelCount { mean[j] /= m }
        priorCache = mean
        return mean
    }

    func priorFinish(into out: UnsafeMutableBufferPointer<Double>, count queries: Int) {
        let mean = priorDistribution()
        let L = labelCount
        for b in 0..<queries {
            for j in 0..<L where b * L + j < out.count { out[b * L + j] = mean[j] }
        }
    }
}
