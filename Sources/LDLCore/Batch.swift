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
        try predictBatch(queries, count: count, method: method, filter: RowFilter(), into: out, isCancelled: isCancelled)
    }

    /// `predictBatch` using only the samples `filter` lets through (for
    /// cross-validation and leave-one-out on one model; see `RowFilter`).
    /// Throws `.notReady` when a query is left with no sample to use (no
    /// prototype member, for the methods that match prototypes).
    public func predictBatch(
        _ queries: UnsafeBufferPointer<Double>, count: Int, method: Method, filter: RowFilter,
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
        try filter.check(queryCount: count)
        guard count > 0 else { return }
        for r in 0..<count {
            try checkQuery(UnsafeBufferPointer(rebasing: queries[(r * featureCount)..<((r + 1) * featureCount)]), row: r)
        }
        try checkCanPredict(method)
        try withModelSpaceQueries(queries, count: count) { (q) throws(LDLError) in
            try runBatch(q, count: count, method: method, into: out, isCancelled: isCancelled, filter: filter)
        }
    }

    /// Convenience for arrays: `queries` row-major, one prediction per row.
    public func predictBatch(
        _ queries: [Double], count: Int, method: Method = .uaknn(), filter: RowFilter = RowFilter()
    ) throws(LDLError) -> [Double] {
        let (total, overflow) = count.multipliedReportingOverflow(by: labelCount)
        guard !overflow, count >= 0 else { throw LDLError.invalid("query count is \(count), out of range") }
        var out = [Double](repeating: 0, count: total)
        try queries.withUnsafeBufferPointer { (q) throws(LDLError) in
            try out.withUnsafeMutableBufferPointer { (o) throws(LDLError) in
                try predictBatch(q, count: count, method: method, filter: filter, into: o, isCancelled: { false })
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
        into out: UnsafeMutableBufferPointer<Double>, isCancelled: () -> Bool, filter: RowFilter = RowFilter()
    ) throws(LDLError) {
        // Row filters (cross-validation and leave-one-out over one model) reach
        // the scans of uaknn, wuaknn, aaknn and kernel kNN with a per-query
        // bandwidth or a fixed one; the other methods derive from every row.
        func unfiltered() throws(LDLError) {
            guard filter.isTrivial else {
                throw LDLError.invalid(
                    "row filters are not supported for method \(method.name) with these parameters",
                    hint: "Filter uaknn, wuaknn, aaknn, or kernel kNN with the kth or fixed rule.")
            }
        }
        switch method {
        case .mix(let members, let weights):
            try mixBatch(
                queries, count: count, members: members, weights: weights, into: out, isCancelled: isCancelled,
                filter: filter)
            return
        case .prior:
            try unfiltered()
            priorFinish(into: out, count: count)
            return
        case .kernel(let options):
            let rule = options.resolvedRule()
            let plain = (rule == .kth || rule == .fixed) && options.k >= 1 && options.fallback == .none && !hasWeights
            if !(plain && !filter.isTrivial) {
                try unfiltered()
                try kernelBatch(queries, count: count, options: options, into: out, isCancelled: isCancelled)
                return
            }
        case .maxent(let l2):
            try unfiltered()
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
            let blockFilter = filter.block(from: start, count: size)
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
                    try matchesForUAKNN(
                        unitQueries: u, queryCount: size, options: options, isCancelled: isCancelled, filter: blockFilter)
                }
                for b in 0..<size {
                    if matched[b].isEmpty, !filter.isTrivial { throw LDLError.nothingPassesTheFilter() }
                    // Sampled mode can draw millions of values per query: it polls.
                    _ = try uaknnFinish(
                        matches: matched[b], query: row(b), options: options, into: output(b),
                        isCancelled: isCancelled)
                }
            case .wuaknn(let base):
                normalizeBlock()
                let matched = try unit.withUnsafeBufferPointer { (u) throws(LDLError) in
                    try prototypeMatches(unitQueries: u, queryCount: size, isCancelled: isCancelled, filter: blockFilter)
                }
                for b in 0..<size {
                    if matched[b].isEmpty, !filter.isTrivial { throw LDLError.nothingPassesTheFilter() }
                    try wuaknnFinish(matches: matched[b], softmaxBase: base, into: output(b))
                }
            case .aaknn(let k):
                if hasWeights {
                    // Rows of weight 0 are left out of the scan (`RowWeights.swift`).
                    try unfiltered()
                    let sets = try nearestRows(
                        queries: block, queryCount: size, k: k, metric: .euclidean, weighted: true,
                        isCancelled: isCancelled)
                    for b in 0..<size { try aaknnWeightedFinish(neighbours: sets[b].ascending(), into: output(b)) }
                } else {
                    let sets = try scanNearest(
                        queries: block, queryCount: size, k: k, metric: .euclidean, isCancelled: isCancelled,
                        filter: blockFilter)
                    for b in 0..<size {
                        guard !sets[b].heap.isEmpty else { throw LDLError.nothingPassesTheFilter() }
                        aaknnFinish(neighbours: sets[b].ascending(), into: output(b))
                    }
                }
            case .kernel(let o):
                // Only a filtered plain kernel comes here (see above).
                let sets = try scanNearest(
                    queries: block, queryCount: size, k: o.k, metric: .euclidean, isCancelled: isCancelled,
                    filter: blockFilter)
                for b in 0..<size {
                    guard !sets[b].heap.isEmpty else { throw LDLError.nothingPassesTheFilter() }
                    kernelFinish(neighbours: sets[b].ascending(), bandwidth: o.bandwidth, into: output(b))
                }
            case .mix, .prior, .maxent:
                break  // handled above
            }
            start += size
        }
    }
}
