/// What a list of candidates needs computed in each fold: the distinct
/// "leaves" (one method under one standardization, mixtures flattened) and,
/// per candidate, how its prediction is composed from leaf predictions.
///
/// Sharing is what makes a grid affordable: every Euclidean leaf of one
/// standardization (AA-kNN and kernel kNN, any k) is served by one scan for
/// the largest k (the k nearest are a prefix of the K nearest: one strict
/// order, distance then key), every prototype leaf (UAKNN, WUAKNN) by one
/// prototype scan, and a mixture costs only its weighted sum.
struct CVPlan {
    /// How a leaf is computed.
    enum Group: Equatable {
        /// AA-kNN and kernel kNN: the nearest rows by Euclidean distance.
        case euclidean
        /// UAKNN and WUAKNN: the best match of each prototype (cosine).
        case prototypes
        /// UAKNN with `prototypes = false`: the L nearest rows by cosine.
        case cosineNearest
        /// `prior` and `maxent`: derived from the training rows, not from
        /// distances, so the same whatever the standardization.
        case neutral
        /// Kernel kNN with a global bandwidth, all rows or a fallback: its
        /// own prediction on the fold's model (no shared scan).
        case direct
    }

    struct Leaf: Equatable {
        var method: Method
        /// `.none` for neutral leaves.
        var standardize: StandardizeMode
        var group: Group
    }

    indirect enum Node {
        case leaf(Int)
        /// Members with the shares `Model.mixShares` gives (a member with share 0
        /// is still computed, as `predict` checks it too, but not added).
        case mix([Node], shares: [Double])
    }

    private(set) var leaves: [Leaf] = []
    /// One per candidate.
    private(set) var nodes: [Node] = []
    /// The leaves each candidate uses, ascending, without repeats.
    private(set) var leavesOfCandidate: [[Int]] = []

    init(_ candidates: [Candidate]) {
        for c in candidates {
            var used: [Int] = []
            nodes.append(node(c.method, c.standardize, &used))
            leavesOfCandidate.append(Array(Set(used)).sorted())
        }
    }

    static func group(_ method: Method) -> Group {
        switch method {
        case .aaknn: return .euclidean
        case .kernel(let o):
            let rule = o.resolvedRule()
            return (rule == .kth || rule == .fixed) && o.k >= 1 && o.fallback == .none ? .euclidean : .direct
        case .uaknn(let o): return o.prototypes ? .prototypes : .cosineNearest
        case .wuaknn: return .prototypes
        case .prior, .maxent, .mix: return .neutral
        }
    }

    private mutating func node(_ method: Method, _ mode: StandardizeMode, _ used: inout [Int]) -> Node {
        if case .mix(let members, let weights) = method {
            let children = members.map { node($0, mode, &used) }
            return .mix(children, shares: Model.mixShares(members: members.count, weights: weights))
        }
        let group = Self.group(method)
        let leaf = Leaf(method: method, standardize: group == .neutral ? .none : mode, group: group)
        let index: Int
        if let found = leaves.firstIndex(of: leaf) {
            index = found
        } else {
            index = leaves.count
            leaves.append(leaf)
        }
        used.append(index)
        return .leaf(index)
    }

    /// The standardizations whose fold models some leaf needs, in the order they are built.
    var modes: [StandardizeMode] {
        StandardizeMode.allCases.filter { m in leaves.contains { $0.group != .neutral && $0.standardize == m } }
    }

    /// Writes candidate `c`'s prediction for `count` test rows into `out`
    /// from the leaves' predictions, as `Model.mixBatch` computes it (zero,
    /// then each member with a positive share added in order).
    func compose(
        _ c: Int, leafPredictions: [[Double]], count: Int, labelCount l: Int, into out: inout [Double]
    ) {
        out = compose(nodes[c], leafPredictions, count * l)
    }

    private func compose(_ node: Node, _ leafPredictions: [[Double]], _ total: Int) -> [Double] {
        switch node {
        case .leaf(let i):
            return leafPredictions[i]
        case .mix(let children, let shares):
            var out = [Double](repeating: 0, count: total)
            for (child, share) in zip(children, shares) where share > 0 {
                let p = compose(child, leafPredictions, total)
                for i in 0..<Swift.min(total, p.count) { out[i] += share * p[i] }
            }
            return out
        }
    }
}
