/// The prediction entry points. A single prediction is a batch of one, so
/// `predict` and `predictBatch` run the same code and agree exactly.
extension Model {
    /// Predicts the label distribution of `query` (`featureCount` values) into
    /// `out` (`labelCount` values).
    public func predict(
        _ query: UnsafeBufferPointer<Double>, method: Method, into out: UnsafeMutableBufferPointer<Double>
    ) throws(LDLError) {
        try method.validate()
        try checkQuery(query, row: nil)
        guard out.count == labelCount else {
            throw LDLError.invalid("output buffer has \(out.count) elements, model has \(labelCount) labels")
        }
        try checkCanPredict(method)
        try withModelSpaceQueries(query, count: 1) { (q) throws(LDLError) in
            try runBatch(q, count: 1, method: method, into: out, isCancelled: { false })
        }
    }

    /// Convenience for arrays.
    public func predict(_ query: [Double], method: Method = .uaknn()) throws(LDLError) -> [Double] {
        var out = [Double](repeating: 0, count: labelCount)
        try query.withUnsafeBufferPointer { (q) throws(LDLError) in
            try out.withUnsafeMutableBufferPointer { (o) throws(LDLError) in
                try predict(q, method: method, into: o)
            }
        }
        return out
    }

    /// Predicts `count` queries. `queries` is row-major `count x featureCount`,
    /// `out` row-major `count x labelCount`. Queries are scored in blocks, so
    /// the model's memory is read once per block; `isCancelled` is polled every
    /// 1024 samples of a scan and before each block, and a `true` throws `.cancelled` (`out` is then
    /// partly written). Every query is validated before any is computed.
    public func predictBatch(
        _ queries: UnsafeBufferPointer<Double>, count: Int, method: Method,
        into out: UnsafeMutableBufferPointer<Double>, isCancelled: () -> Bool
    ) throws(LDLError) {
        try method.validate()
        guard count >= 0 else { throw LDLError.invalid("query count is \(count), expected at least 0") }
        let nq = try Validation.product(count, featureCount, what: "query matrix")
        let no = try Validation.product(count, labelCount, what: "output matrix")
        guard queries.count == nq else {
            throw LDLError.invalid(
                "query matrix has \(queries.count) values, expected \(count) rows x \(featureCount)")
        }
        guard out.count == no else {
            throw LDLError.invalid("output buffer has \(out.count) values, expected \(count) rows x \(labelCount)")
        }
        guard count > 0 else { return }
        for r in 0..<count {
            try checkQuery(UnsafeBufferPointer(rebasing: queries[(r * featureCount)..<((r + 1) * featureCount)]), row: r)
        }
        try checkCanPredict(method)
        try withModelSpaceQueries(queries, count: count) { (q) throws(LDLError) in
            try runBatch(q, count: count, method: method, into: out, isCancelled: isCancelled)
        }
    }

    /// Convenience for arrays: `queries` row-major, one prediction per row.
    public func predictBatch(_ queries: [Double], count: Int, method: Method = .uaknn()) throws(LDLError) -> [Double] {
        let (total, overflow) = count.multipliedReportingOverflow(by: labelCount)
        guard !overflow, count >= 0 else { throw LDLError.invalid("query count is \(count), out of range") }
        var out = [Double](repeating: 0, count: total)
        try queries.withUnsafeBufferPointer { (q) throws(LDLError) in
            try out.withUnsafeMutableBufferPointer { (o) throws(LDLError) in
                try predictBatch(q, count: count, method: method, into: o, isCancelled: { false })
            }
        }
        return out
    }

    /// A query of the right length with finite values; `row` (0-based) is
    /// named in the message for a batch.
    func checkQuery(_ query: UnsafeBufferPointer<Double>, row: Int?) throws(LDLError) {
        do {
            try Validation.checkLength(query.count, expected: featureCount, what: "feature vector")
            try Validation.checkFinite(query, what: "feature vector")
        } catch {
            guard let row else { throw error }
            var e = error
            e.message = "query \(row + 1): " + e.message
            throw e
        }
    }

    /// Whether the model can serve `method`: not empty, and with a non-empty
    /// prototype for methods that match prototypes.
    func checkCanPredict(_ method: Method) throws(LDLError) {
        guard count > 0 else { throw LDLError.emptyModel() }
        if needsPrototypes(method), prototypes.nonEmptyCount == 0 { throw LDLError.allPrototypesEmpty() }
        try checkMaxEntFits(method)
    }

    /// Every `maxent` in `method` has a fit to predict from.
    private func checkMaxEntFits(_ method: Method) throws(LDLError) {
        switch method {
        case .maxent(let l2): _ = try maxEntFit(l2: l2)
        case .mix(let members, _): for m in members { try checkMaxEntFits(m) }
        default: break
        }
    }

    private func needsPrototypes(_ method: Method) -> Bool {
        switch method {
        case .uaknn(let o): return o.prototypes
        case .wuaknn: return true
        case .aaknn, .prior, .maxent: return false
        case .kernel(let o): return o.fallback.method.map { needsPrototypes($0) } ?? false
        case .mix(let members, _): return members.contains { needsPrototypes($0) }
        }
    }

    /// The computation, on validated inputs (sizes, values, method, model).
    func runBatch(
        _ queries: UnsafeBufferPointer<Double>, count: Int, method: Method,
        into out: UnsafeMutableBufferPointer<Double>, isCancelled: () -> Bool
    ) throws(LDLError) {
        switch method {
        case .mix(let members, let weights):
            try mixBatch(queries, count: count, members: members, weights: weights, into: out, isCancelled: isCancelled)
            return
        case .prior:
            priorFinish(into: out, count: count)
            return
        case .kernel(let options):
            try kernelBatch(queries, count: count, options: options, into: out, isCancelled: isCancelled)
        case .maxent(let l2):
            try maxEntBatch(queries, count: count, l2: l2, into: out, isCancelled: isCancelled)
            return
        default:
            break
        }
        let n = featureCount
        let L = labelCount
        let blockSize = Self.blockSize(featureCount: n, labelCount: L)
        var unit = [Double](repeating: 0, count: Swift.min(blockSize, count) * n)
        var start = 0
        while start < count {
            if isCancelled() { throw LDLError.cancelled }
            let size = Swift.min(blockSize, count - start)
            let block = UnsafeBufferPointer(rebasing: queries[(start * n)..<((start + size) * n)])
            func row(_ b: Int) -> UnsafeBufferPointer<Double> {
                UnsafeBufferPointer(rebasing: block[(b * n)..<((b + 1) * n)])
            }
            func output(_ b: Int) -> UnsafeMutableBufferPointer<Double> {
                UnsafeMutableBufferPointer(rebasing: out[((start + b) * L)..<((start + b + 1) * L)])
            }
            /// The block's queries as unit vectors, for cosine scans.
            func normalizeBlock() {
                unit.withUnsafeMutableBufferPointer { u in
                    for b in 0..<size {
                        Similarity.normalize(row(b), into: UnsafeMutableBufferPointer(rebasing: u[(b * n)..<((b + 1) * n)]))
                    }
                }
            }
            switch method {
            case .uaknn(let options):
                normalizeBlock()
                let matched = try unit.withUnsafeBufferPointer { (u) throws(LDLError) in
                    try matchesForUAKNN(unitQueries: u, queryCount: size, options: options, isCancelled: isCancelled)
                }
                for b in 0..<size {
                    // Sampled mode can draw millions of values per query: it polls.
                    _ = try uaknnFinish(
                        matches: matched[b], query: row(b), options: options, into: output(b),
                        isCancelled: isCancelled)
                }
            case .wuaknn(let base):
                normalizeBlock()
                let matched = try unit.withUnsafeBufferPointer { (u) throws(LDLError) in
                    try prototypeMatches(unitQueries: u, queryCount: size, isCancelled: isCancelled)
                }
                for b in 0..<size { try wuaknnFinish(matches: matched[b], softmaxBase: base, into: output(b)) }
            case .aaknn(let k):
                if hasWeights {
                    // Rows of weight 0 are left out of the scan (`RowWeights.swift`).
                    let sets = try nearestRows(
                        queries: block, queryCount: size, k: k, metric: .euclidean, weighted: true,
                        isCancelled: isCancelled)
                    for b in 0..<size { try aaknnWeightedFinish(neighbours: sets[b].ascending(), into: output(b)) }
                } else {
                    let sets = try scanNearest(
                        queries: block, queryCount: size, k: k, metric: .euclidean, isCancelled: isCancelled)
                    for b in 0..<size { aaknnFinish(neighbours: sets[b].ascending(), into: output(b)) }
                }
            case .mix, .prior, .kernel, .maxent:
                break  // handled above
            }
            start += size
        }
    }
}
