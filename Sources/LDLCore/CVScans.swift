/// The neighbour leaves of one standardization in one fold, computed with
/// shared scans over the fold's training model: one Euclidean scan for the
/// largest k, one prototype scan, one cosine scan for `prototypes = false`,
/// each a pass over the training rows per block of held-out queries. Each
/// leaf then finishes from the scan exactly as `predictBatch` would.
extension Model {
    struct LeafWork {
        /// Leaf index in the plan, and its method.
        var index: Int
        var method: Method
        var group: CVPlan.Group
    }

    /// Fills `outputs[leaf.index]` (`count x labelCount`) for every leaf
    /// not already in `failures`; a leaf that cannot predict gets its error
    /// in `failures` (cancellation is thrown). `seconds[leaf.index]` grows
    /// by the leaf's own finishing time plus an equal share of each scan it
    /// used. `queries` are in the model's space. `rows` (default: all)
    /// limits the work to those queries, so a caller can compute a few
    /// blocks at a time; the results are the same.
    func leafPredictions(
        queries: UnsafeBufferPointer<Double>, count: Int, rows: Range<Int>? = nil, leaves: [LeafWork],
        outputs: inout [[Double]],
        failures: inout [Int: LDLError], seconds: inout [Double], progress: (Double) -> Void,
        isCancelled: () -> Bool
    ) throws(LDLError) {
        let n = featureCount
        let L = labelCount
        if prototypes.nonEmptyCount == 0 {
            for leaf in leaves where leaf.group == .prototypes && failures[leaf.index] == nil {
                failures[leaf.index] = LDLError.allPrototypesEmpty()
            }
        }
        func alive(_ group: CVPlan.Group) -> [LeafWork] {
            leaves.filter { $0.group == group && failures[$0.index] == nil }
        }
        guard count > 0 else { return }
        let blockSize = Self.blockSize(featureCount: n, labelCount: L)
        let stop = Swift.min(rows?.upperBound ?? count, count)
        var start = Swift.max(rows?.lowerBound ?? 0, 0)
        guard start < stop else { return }
        var unit = [Double](repeating: 0, count: Swift.min(blockSize, stop - start) * n)
        while start < stop {
            if isCancelled() { throw LDLError.cancelled }
            let size = Swift.min(blockSize, stop - start)
            let block = UnsafeBufferPointer(rebasing: queries[(start * n)..<((start + size) * n)])
            /// Runs `finish(b, out)` for each query of the block into the leaf's output.
            func finishLeaf(
                _ leaf: LeafWork,
                _ finish: (Int, UnsafeMutableBufferPointer<Double>) throws(LDLError) -> Void
            ) throws(LDLError) {
                let began = MonotonicClock.now()
                do {
                    try outputs[leaf.index].withUnsafeMutableBufferPointer { (o) throws(LDLError) in
                        for b in 0..<size {
                            let row = start + b
                            try finish(b, UnsafeMutableBufferPointer(rebasing: o[(row * L)..<((row + 1) * L)]))
                        }
                    }
                } catch {
                    if error.kind == .cancelled { throw error }
                    failures[leaf.index] = error
                }
                seconds[leaf.index] += MonotonicClock.now() - began
            }
            func share(_ began: Double, _ users: [LeafWork]) {
                let each = (MonotonicClock.now() - began) / Double(Swift.max(users.count, 1))
                for u in users { seconds[u.index] += each }
            }
            func query(_ b: Int) -> UnsafeBufferPointer<Double> {
                UnsafeBufferPointer(rebasing: block[(b * n)..<((b + 1) * n)])
            }
            func finishUAKNN(_ leaves: [LeafWork], _ matched: [[Match]]) throws(LDLError) {
                for leaf in leaves {
                    switch leaf.method {
                    case .uaknn(let options):
                        try finishLeaf(leaf) { (b, out) throws(LDLError) in
                            _ = try uaknnFinish(
                                matches: matched[b], query: query(b), options: options, into: out,
                                isCancelled: isCancelled)
                        }
                    case .wuaknn(let base):
                        try finishLeaf(leaf) { (b, out) throws(LDLError) in
                            try wuaknnFinish(matches: matched[b], softmaxBase: base, into: out)
                        }
                    default:
                        break
                    }
                }
            }

            // Row weights change every Euclidean leaf: those run on their own too.
            for leaf in alive(.direct) + (hasWeights ? alive(.euclidean) : []) {
                let began = MonotonicClock.now()
                do {
                    try checkCanPredict(leaf.method)
                    try outputs[leaf.index].withUnsafeMutableBufferPointer { (o) throws(LDLError) in
                        try runBatch(
                            block, count: size, method: leaf.method,
                            into: UnsafeMutableBufferPointer(rebasing: o[(start * L)..<((start + size) * L)]),
                            isCancelled: isCancelled)
                    }
                } catch {
                    if error.kind == .cancelled { throw error }
                    failures[leaf.index] = error
                }
                seconds[leaf.index] += MonotonicClock.now() - began
            }
            let euclidean = hasWeights ? [] : alive(.euclidean)
            if !euclidean.isEmpty {
                let began = MonotonicClock.now()
                var largest = 1
                for leaf in euclidean {
                    if case .aaknn(let k) = leaf.method { largest = Swift.max(largest, k) }
                    if case .kernel(let o) = leaf.method { largest = Swift.max(largest, o.k) }
                }
                let sets = try scanNearest(
                    queries: block, queryCount: size, k: largest, metric: .euclidean, isCancelled: isCancelled)
                let nearest = sets.map { $0.ascending() }
                share(began, euclidean)
                for leaf in euclidean {
                    switch leaf.method {
                    case .aaknn(let k):
                        try finishLeaf(leaf) { (b, out) throws(LDLError) in
                            aaknnFinish(neighbours: Array(nearest[b].prefix(k)), into: out)
                        }
                    case .kernel(let o):
                        try finishLeaf(leaf) { (b, out) throws(LDLError) in
                            kernelFinish(neighbours: Array(nearest[b].prefix(o.k)), bandwidth: o.bandwidth, into: out)
                        }
                    default:
                        break
                    }
                }
            }

            let prototypeLeaves = alive(.prototypes)
            let cosineLeaves = alive(.cosineNearest)
            if !prototypeLeaves.isEmpty || !cosineLeaves.isEmpty {
                let began = MonotonicClock.now()
                unit.withUnsafeMutableBufferPointer { u in
                    for b in 0..<size {
                        Similarity.normalize(query(b), into: UnsafeMutableBufferPointer(rebasing: u[(b * n)..<((b + 1) * n)]))
                    }
                }
                share(began, prototypeLeaves + cosineLeaves)
            }
            if !prototypeLeaves.isEmpty {
                let began = MonotonicClock.now()
                let matched = try unit.withUnsafeBufferPointer { (u) throws(LDLError) in
                    try prototypeMatches(
                        unitQueries: UnsafeBufferPointer(rebasing: u[0..<(size * n)]), queryCount: size,
                        isCancelled: isCancelled)
                }
                share(began, prototypeLeaves)
                try finishUAKNN(prototypeLeaves, matched)
            }
            if let first = cosineLeaves.first, case .uaknn(let options) = first.method {
                let began = MonotonicClock.now()
                let matched = try unit.withUnsafeBufferPointer { (u) throws(LDLError) in
                    try matchesForUAKNN(
                        unitQueries: UnsafeBufferPointer(rebasing: u[0..<(size * n)]), queryCount: size,
                        options: options, isCancelled: isCancelled)
                }
                share(began, cosineLeaves)
                try finishUAKNN(cosineLeaves, matched)
            }
            start += size
            progress(Double(start) / Double(count))
        }
    }
}
