/// Label noise for benchmarks (NEIGHBOURS.md F3.3, kNet §4 transferred to
/// LDL): a "flip" of a row's top label t to label a is the transposition of
/// degrees t and a, so every row stays a distribution. Seeded and
/// deterministic; the draws, in order: (asymmetric only) the label table,
/// then the rows (a partial Fisher–Yates shuffle), then one draw per chosen
/// row (uniform, asymmetric).
public enum NoiseInjection {
    public enum Kind: String, CaseIterable, Sendable {
        /// Transpose t with u, u uniform over all L labels (u = t: unchanged, the paper's "including itself").
        case uniform
        /// Per seed, every label t gets two other labels a_t ≠ b_t; transpose with a_t w.p. 2/3, b_t w.p. 1/3.
        case asymmetric
        /// Transpose t with its nearest label by centroid distance (F4.1's `top` centroids, Euclidean).
        case semantic

        public static func parse(_ name: some StringProtocol) throws(LDLError) -> Kind {
            guard let kind = Kind(rawValue: String(name).lowercased()) else {
                throw LDLError.invalid("unknown noise \"\(name)\"", hint: "Valid noises are: uniform, asymmetric, semantic.")
            }
            return kind
        }
    }

    /// The noisy labels and which rows they differ in.
    public struct Result: Sendable, Equatable {
        /// `rows x labelCount`, row-major.
        public var labels: [Double]
        /// The rows chosen (round(rate · rows) of them), in draw order.
        public var chosen: [Int]
        /// Whether each row's labels actually changed (a transposition of equal degrees, or t with itself, does not).
        public var changed: [Bool]
    }

    /// Injects noise into `labels` (`rows x labelCount`). `features`
    /// (`rows x featureCount`) is needed by `semantic` only.
    ///
    /// - Throws: `.invalidParameter` for a rate outside [0, 1], mismatched
    ///   sizes, fewer than 3 labels with `asymmetric`, or `semantic` without features.
    public static func inject(
        labels: [Double], labelCount L: Int, rate: Double, kind: Kind, seed: UInt64,
        features: [Double]? = nil, featureCount: Int = 0
    ) throws(LDLError) -> Result {
        guard rate.isFinite, rate >= 0, rate <= 1 else {
            throw LDLError.invalid("rate is \(rate), expected a number from 0 to 1")
        }
        guard L >= 2, labels.count % L == 0 else {
            throw LDLError.invalid("label matrix has \(labels.count) values, expected a multiple of \(L) labels")
        }
        let rows = labels.count / L
        var random = SplitMix64(seed: seed)
        var partner: [[Int]] = []
        switch kind {
        case .uniform:
            break
        case .asymmetric:
            guard L >= 3 else { throw LDLError.invalid("asymmetric noise has \(L) labels, expected at least 3") }
            for t in 0..<L {
                // Two distinct labels other than t.
                let a0 = Self.below(L - 1, &random)
                let a = a0 < t ? a0 : a0 + 1
                var others = (0..<L).filter { $0 != t && $0 != a }
                let b = others.remove(at: Self.below(others.count, &random))
                partner.append([a, b])
            }
        case .semantic:
            guard let features, featureCount >= 1, features.count == rows * featureCount else {
                throw LDLError.invalid("semantic noise needs \(rows) rows x \(featureCount) features, got \(features?.count ?? 0) values")
            }
            partner = nearestLabels(labels: labels, labelCount: L, features: features, featureCount: featureCount)
        }
        let count = Int((rate * Double(rows)).rounded())
        var order = Array(0..<rows)
        for i in 0..<count {
            order.swapAt(i, i + Self.below(rows - i, &random))
        }
        var result = Result(labels: labels, chosen: Array(order[0..<count]), changed: Array(repeating: false, count: rows))
        for i in result.chosen {
            let row = Array(labels[(i * L)..<((i + 1) * L)])
            let t = Metrics.topLabel(row)
            let u: Int
            switch kind {
            case .uniform: u = Self.below(L, &random)
            case .asymmetric: u = Self.below(3, &random) < 2 ? partner[t][0] : partner[t][1]
            case .semantic: u = partner[t].first ?? t
            }
            result.labels.swapAt(i * L + t, i * L + u)
            result.changed[i] = row[t] != row[u]
        }
        return result
    }

    /// Per label, its nearest other label by the Euclidean distance between
    /// `top` centroids (ties to the lowest label); empty for a label without rows.
    static func nearestLabels(labels: [Double], labelCount L: Int, features: [Double], featureCount n: Int) -> [[Int]] {
        let rows = labels.count / L
        var sums = [[Double]](repeating: [Double](repeating: 0, count: n), count: L)
        var counts = [Int](repeating: 0, count: L)
        for i in 0..<rows {
            let t = Metrics.topLabel(Array(labels[(i * L)..<((i + 1) * L)]))
            counts[t] += 1
            for f in 0..<n { sums[t][f] += features[i * n + f] }
        }
        let centroids: [[Double]?] = (0..<L).map { j in counts[j] > 0 ? sums[j].map { $0 / Double(counts[j]) } : nil }
        return (0..<L).map { t in
            guard let zt = centroids[t] else { return [] }
            var best = -1
            var bestDistance = Double.infinity
            for c in 0..<L where c != t {
                guard let zc = centroids[c] else { continue }
                let d = Model.centroidDistance(zt, zc, .euclidean)
                if best < 0 || d < bestDistance { (best, bestDistance) = (c, d) }
            }
            return best >= 0 ? [best] : []
        }
    }

    /// Uniform in `0..<bound` (bound >= 1) without modulo bias (Lemire's method).
    static func below(_ bound: Int, _ g: inout SplitMix64) -> Int {
        guard bound > 1 else { return 0 }
        let b = UInt64(bound)
        var m = g.next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = g.next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }
}

/// How well a score separates flagged rows from the rest (F3.3).
public enum Detection {
    /// The area under the ROC curve: the probability that a random positive
    /// scores above a random negative, ties counting 1/2. nil when either
    /// class is empty (undefined, e.g. at noise rate 0).
    public static func auc(scores: [Double], positives: [Bool]) -> Double? {
        let n = Swift.min(scores.count, positives.count)
        let p = positives.prefix(n).filter { $0 }.count
        let q = n - p
        guard p > 0, q > 0 else { return nil }
        // Mann–Whitney with midranks.
        let order = (0..<n).sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let midrank = Double(i + j) / 2 + 1
            for r in i...j where positives[order[r]] { rankSum += midrank }
            i = j + 1
        }
        return (rankSum - Double(p) * Double(p + 1) / 2) / (Double(p) * Double(q))
    }

    /// Average precision of a ranking (row indices, best first): the mean over
    /// the positives of the precision at their rank. nil without positives.
    public static func averagePrecision(ranking: [Int], positives: [Bool]) -> Double? {
        let total = positives.filter { $0 }.count
        guard total > 0 else { return nil }
        var hits = 0
        var sum = 0.0
        for (r, i) in ranking.enumerated() where i >= 0 && i < positives.count && positives[i] {
            hits += 1
            sum += Double(hits) / Double(r + 1)
        }
        return sum / Double(total)
    }
}
