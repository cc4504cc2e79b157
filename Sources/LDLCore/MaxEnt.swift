/// The maximum-entropy LDL model (TUNING.md "Maximum-entropy LDL model";
/// SA-BFGS / BFGS-LLD of Geng 2016): `p(x) = softmax(Wᵀ [z; 1])`, `W` the
/// unique minimizer of the penalized cross-entropy, fitted by L-BFGS from
/// `W = 0` to a gradient max-norm of 1e-9.
///
/// A fit is a value: the database fits once, stores `weights` (and the
/// statistics) with the model, and restores it with `init`; a `Model`
/// predicts `Method.maxent` from the fit assigned to its `maxEntFit`.
public struct MaxEntFit: Sendable, Equatable {
    /// The spec's default penalty λ.
    public static let defaultL2 = 1e-3
    /// The gradient max-norm a fit reaches.
    public static let gradientTolerance = 1e-9

    public let featureCount: Int
    public let labelCount: Int
    /// `W`, `(featureCount + 1) x labelCount`, row-major; the last row is the bias.
    public let weights: [Double]
    /// The statistics applied to the model's feature vectors before `W`: the
    /// fit's own (from the rows it was fitted on) for a model that stores
    /// features as given; nil for a standardized model, whose rows and
    /// queries are already standardized with the model's statistics.
    public let standardization: Standardization?
    /// λ the fit was made with.
    public let l2: Double
    /// Rows the fit was made from.
    public let sampleCount: Int
    /// The objective at `weights` and the L-BFGS iterations (nil when restored).
    public let loss: Double?
    public let iterations: Int?

    /// A fit restored from storage. Throws unless the sizes agree and every
    /// value is finite.
    public init(
        featureCount: Int, labelCount: Int, weights: [Double], standardization: Standardization?, l2: Double,
        sampleCount: Int = 0
    ) throws(LDLError) {
        try self.init(
            featureCount: featureCount, labelCount: labelCount, weights: weights, standardization: standardization,
            l2: l2, sampleCount: sampleCount, loss: nil, iterations: nil)
    }

    init(
        featureCount: Int, labelCount: Int, weights: [Double], standardization: Standardization?, l2: Double,
        sampleCount: Int, loss: Double?, iterations: Int?
    ) throws(LDLError) {
        guard featureCount >= 1, labelCount >= 2 else {
            throw LDLError.invalid(
                "maximum-entropy fit has \(featureCount) features and \(labelCount) labels, expected at least 1 and 2")
        }
        let (rows, o1) = featureCount.addingReportingOverflow(1)
        let (size, o2) = rows.multipliedReportingOverflow(by: labelCount)
        guard !o1, !o2, weights.count == size else {
            throw LDLError.invalid(
                "maximum-entropy weights have \(weights.count) values, expected (\(featureCount) + 1) x \(labelCount)")
        }
        if let i = weights.firstIndex(where: { !$0.isFinite }) {
            throw LDLError.invalid("maximum-entropy weight \(i + 1) is \(weights[i]), expected a finite number")
        }
        if let s = standardization, s.featureCount != featureCount {
            throw LDLError.invalid(
                "maximum-entropy statistics have \(s.featureCount) features, expected \(featureCount)")
        }
        try Self.validateL2(l2)
        guard sampleCount >= 0 else { throw LDLError.invalid("sample count is \(sampleCount), expected at least 0") }
        self.featureCount = featureCount
        self.labelCount = labelCount
        self.weights = weights
        self.standardization = standardization
        self.l2 = l2
        self.sampleCount = sampleCount
        self.loss = loss
        self.iterations = iterations
    }

    static func validateL2(_ l2: Double) throws(LDLError) {
        guard l2.isFinite, l2 > 0 else {
            throw LDLError.invalid(
                "l2 is \(l2), expected a finite number greater than 0",
                hint: "The penalty keeps the objective strictly convex, so the fit is unique.")
        }
    }

    /// `softmax(Wᵀ [z; 1])` of one feature vector in the model's space.
    /// Returns false when standardizing it overflows.
    func predict(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let n = featureCount, l = labelCount
        guard x.count >= n, out.count >= l else { return false }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { z in
            if let standardization {
                guard standardization.apply(x, into: z) else { return false }
            } else {
                for f in 0..<n { z[f] = x[f] }
            }
            for j in 0..<l { out[j] = weights[n * l + j] }
            for f in 0..<n {
                let v = z[f]
                let row = f * l
                for j in 0..<l { out[j] += v * weights[row + j] }
            }
            Softmax.apply(UnsafeMutableBufferPointer(rebasing: out[0..<l]), scale: 1)
            return true
        }
    }
}

/// Fitting.
enum MaxEnt {
    /// The share of non-zero features at or below which the rows are kept
    /// compressed for fitting (see `MaxEntObjective`).
    static let sparseDensity = 1.0 / 3

    /// Fits `W` on the rows `rows` (in that order) of the row-major
    /// `features` (`featureCount` a row) and `labels` (distributions,
    /// `labelCount` a row). `ownStatistics`: z-score the rows with their
    /// own mean and sd (kept in the fit); otherwise they are standardized
    /// already.
    static func fit(
        features: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>, featureCount n: Int,
        labelCount l: Int, rows: [Int], ownStatistics: Bool, l2: Double, maximumIterations: Int = 20_000,
        isCancelled: () -> Bool
    ) throws(LDLError) -> MaxEntFit {
        try MaxEntFit.validateL2(l2)
        guard !rows.isEmpty else { throw LDLError.emptyModel() }
        guard n >= 1, l >= 2, rows.allSatisfy({ $0 >= 0 && ($0 + 1) * n <= features.count && ($0 + 1) * l <= labels.count })
        else { throw LDLError(.internal, "maximum-entropy rows are out of range") }
        var distributions = [Double](repeating: 0, count: rows.count * l)
        for (r, i) in rows.enumerated() {
            for j in 0..<l { distributions[r * l + j] = labels[i * l + j] }
        }
        let statistics = ownStatistics
            ? try Standardization.fit(features: features, featureCount: n, rows: rows, isCancelled: isCancelled)
            : nil
        var nonZero = 0
        for i in rows {
            for f in 0..<n where features[i * n + f] != 0 { nonZero += 1 }
        }
        let layout: MaxEntObjective.Rows
        if let statistics, Double(nonZero) <= sparseDensity * Double(rows.count * n) {
            var start = [0]
            var column: [Int32] = []
            var value: [Double] = []
            start.reserveCapacity(rows.count + 1)
            column.reserveCapacity(nonZero)
            value.reserveCapacity(nonZero)
            for i in rows {
                for f in 0..<n where features[i * n + f] != 0 {
                    column.append(Int32(truncatingIfNeeded: f))
                    value.append(features[i * n + f])
                }
                start.append(column.count)
            }
            layout = .sparse(start: start, column: column, value: value, mean: statistics.mean, sd: statistics.sd)
        } else {
            // Standardized the way `Model.add` does, so a fit on a
            // standardized model's rows sees the very same values.
            var z = [Double](repeating: 0, count: rows.count * n)
            for (r, i) in rows.enumerated() {
                if r % Model.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
                let source = UnsafeBufferPointer(rebasing: features[(i * n)..<((i + 1) * n)])
                let finite = z.withUnsafeMutableBufferPointer { zb in
                    let target = UnsafeMutableBufferPointer(rebasing: zb[(r * n)..<((r + 1) * n)])
                    if let statistics { return statistics.apply(source, into: target) }
                    for f in 0..<n { target[f] = source[f] }
                    return true
                }
                guard finite else { throw LDLError.notStandardizable(row: nil) }
            }
            layout = .dense(z: z)
        }
        let objective = MaxEntObjective(featureCount: n, labelCount: l, rows: layout, labels: distributions, lambda: l2)
        var w = [Double](repeating: 0, count: objective.parameterCount)
        let optimizer = LBFGS(gradientTolerance: MaxEntFit.gradientTolerance, maximumIterations: maximumIterations)
        let outcome = try optimizer.minimize(&w, isCancelled: isCancelled) { (x, g) throws(LDLError) in
            try objective.evaluate(x, g, isCancelled: isCancelled)
        }
        guard outcome.converged else {
            throw LDLError.invalid(
                "maximum-entropy fit did not converge: gradient max-norm \(outcome.gradientNorm) after "
                    + "\(outcome.iterations) iterations, expected at most \(MaxEntFit.gradientTolerance)",
                hint: "Raise l2: a larger penalty makes the problem better conditioned.")
        }
        return try MaxEntFit(
            featureCount: n, labelCount: l, weights: w, standardization: statistics, l2: l2,
            sampleCount: rows.count, loss: outcome.value, iterations: outcome.iterations)
    }
}

extension Model {
    /// Fits the maximum-entropy model on this model's rows (in key order,
    /// so the fit does not depend on the order they arrived in). The fit is
    /// returned, not attached: assign it to `maxEntFit` to predict with it.
    /// A model without standardization z-scores with the rows' own
    /// statistics (kept in the fit). Polls `isCancelled` every iteration.
    public func fitMaxEnt(l2: Double = MaxEntFit.defaultL2, isCancelled: () -> Bool = { false }) throws(LDLError)
        -> MaxEntFit
    {
        guard count > 0 else { throw LDLError.emptyModel() }
        let order = keyOrder
        return try withStoredFeatures { (x) throws(LDLError) in
            try withStoredLabels { (d) throws(LDLError) in
                try MaxEnt.fit(
                    features: x, labels: d, featureCount: featureCount, labelCount: labelCount, rows: order,
                    ownStatistics: standardization == nil, l2: l2, isCancelled: isCancelled)
            }
        }
    }

    /// The attached fit, if it can serve `Method.maxent(l2:)`.
    func maxEntFit(l2: Double) throws(LDLError) -> MaxEntFit {
        guard let fit = maxEntFit else {
            throw LDLError(
                .notReady, "model has no maximum-entropy fit",
                hint: "Fit one (fitMaxEnt, or uaknn_tune / a refit in SQL) before predicting with maxent.")
        }
        guard fit.featureCount == featureCount, fit.labelCount == labelCount else {
            throw LDLError.invalid(
                "maximum-entropy fit has \(fit.featureCount) features and \(fit.labelCount) labels, "
                    + "model has \(featureCount) and \(labelCount)")
        }
        guard fit.l2 == l2 else {
            throw LDLError(
                .notReady, "maximum-entropy fit was made with l2 \(fit.l2), the method asks for \(l2)",
                hint: "Refit with the l2 wanted.")
        }
        return fit
    }

    /// `Method.maxent` for `count` model-space queries.
    func maxEntBatch(
        _ queries: UnsafeBufferPointer<Double>, count: Int, l2: Double, into out: UnsafeMutableBufferPointer<Double>,
        isCancelled: () -> Bool
    ) throws(LDLError) {
        let fit = try maxEntFit(l2: l2)
        let n = featureCount, l = labelCount
        for r in 0..<count {
            if r % Model.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
            let ok = fit.predict(
                UnsafeBufferPointer(rebasing: queries[(r * n)..<((r + 1) * n)]),
                into: UnsafeMutableBufferPointer(rebasing: out[(r * l)..<((r + 1) * l)]))
            guard ok else { throw LDLError.notStandardizable(row: count > 1 ? r : nil) }
        }
    }
}
