/// One prototype's part in a UAKNN prediction (the intermediates of the spec,
/// as in `uaknn_tiny.json`).
public struct PrototypeExplanation: Sendable, Equatable {
    /// The prototype's label, 0-based. With the `prototypes = false` ablation
    /// there are no prototypes: it is then the neighbour's rank (0 = nearest).
    public var label: Int
    /// The key of the matched sample `n_j`.
    public var key: Int64
    /// `μ_j`, the cosine between the query and the matched sample.
    public var mu: Double
    /// `m_j`, step 1's softmax of `μ / τ`.
    public var softmax: Double
    /// `S_j`, the expected (or sampled) clipped normal around `m_j`.
    public var s: Double
    /// `c_j`, the perturbation term (0 with `perturbation = false`).
    public var c: Double
    /// `w_j = S_j + c_j`.
    public var w: Double

    public init(label: Int, key: Int64, mu: Double, softmax: Double, s: Double, c: Double, w: Double) {
        self.label = label
        self.key = key
        self.mu = mu
        self.softmax = softmax
        self.s = s
        self.c = c
        self.w = w
    }
}

/// A whole UAKNN prediction, explained.
public struct UAKNNExplanation: Sendable, Equatable {
    /// One entry per non-empty prototype, by ascending label (or per
    /// neighbour, nearest first, with `prototypes = false`).
    public var prototypes: [PrototypeExplanation]
    /// `z = Σ_j w_j D_j`, before normalization.
    public var z: [Double]
    /// The predicted distribution.
    public var prediction: [Double]
}

extension Model {
    /// The per-prototype intermediates of the UAKNN prediction of `query`.
    public func explain(_ query: UnsafeBufferPointer<Double>, options: UAKNNOptions) throws(LDLError)
        -> [PrototypeExplanation]
    {
        try explanation(query, options: options).prototypes
    }

    /// Every intermediate of the UAKNN prediction of `query`, including `z`
    /// and the prediction itself (equal to `predict`'s).
    public func explanation(_ query: UnsafeBufferPointer<Double>, options: UAKNNOptions) throws(LDLError)
        -> UAKNNExplanation
    {
        try options.validate()
        try checkQuery(query, row: nil)
        try checkCanPredict(.uaknn(options))
        return try withModelSpaceQueries(query, count: 1) { (query) throws(LDLError) in
            var unit = [Double](repeating: 0, count: featureCount)
            unit.withUnsafeMutableBufferPointer { Similarity.normalize(query, into: $0) }
            let matched = try unit.withUnsafeBufferPointer { (u) throws(LDLError) in
                try matchesForUAKNN(unitQueries: u, queryCount: 1, options: options, isCancelled: { false })
            }
            var prediction = [Double](repeating: 0, count: labelCount)
            var z = [Double](repeating: 0, count: labelCount)
            let parts = try prediction.withUnsafeMutableBufferPointer { (out) throws(LDLError) in
                try z.withUnsafeMutableBufferPointer { (zOut) throws(LDLError) in
                    try uaknnFinish(
                        matches: matched.first ?? [], query: query, options: options, into: out, z: zOut,
                        explain: true)
                }
            }
            return UAKNNExplanation(prototypes: parts, z: z, prediction: prediction)
        }
    }

    /// Convenience for arrays.
    public func explain(_ query: [Double], options: UAKNNOptions = UAKNNOptions()) throws(LDLError)
        -> [PrototypeExplanation]
    {
        try query.withUnsafeBufferPointer { (q) throws(LDLError) in try explain(q, options: options) }
    }

    /// Convenience for arrays.
    public func explanation(_ query: [Double], options: UAKNNOptions = UAKNNOptions()) throws(LDLError)
        -> UAKNNExplanation
    {
        try query.withUnsafeBufferPointer { (q) throws(LDLError) in try explanation(q, options: options) }
    }
}
