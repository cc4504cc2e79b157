#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Rare labels and their nearest frequent labels (NEIGHBOURS.md F4.1, after
/// AlphaNet), and the split of a label (F4.2). In LDL a label's "support" is
/// by default the number of rows whose top label it is: UAKNN's prototypes
/// (`d_i[j] > 1/L`) overlap too much to find rare labels.
public enum LabelSupport {
    /// Which count decides a label's split, and which rows make its centroid.
    public enum Kind: String, CaseIterable, Sendable {
        /// Rows whose top label is j (argmax, ties to the lowest label).
        case top
        /// Rows of the prototype `P_j` (`d_i[j] > 1/L`).
        case prototype
        /// `Σ_i d_i[j]`; the centroid is weighted by `d_i[j]`.
        case soft

        public static func parse(_ name: some StringProtocol) throws(LDLError) -> Kind {
            guard let kind = Kind(rawValue: String(name).lowercased()) else {
                throw LDLError.invalid("unknown support \"\(name)\"", hint: "Valid supports are: top, prototype, soft.")
            }
            return kind
        }
    }

    /// The distance between two label centroids (`1 − cos` for cosine).
    public typealias Distance = DistanceKind

    public static let defaultFewBelow = 20
    public static let defaultManyAbove = 100
    public static let defaultK = 5

    /// `empty` if n = 0, `few` if n < fewBelow, `many` if n > manyAbove, else `medium`.
    public static func split(_ n: Double, fewBelow: Int, manyAbove: Int) -> LabelSplit {
        if n <= 0 { return .empty }
        if n < Double(fewBelow) { return .few }
        if n > Double(manyAbove) { return .many }
        return .medium
    }

    static func validate(fewBelow: Int, manyAbove: Int) throws(LDLError) {
        guard fewBelow >= 0 else { throw LDLError.invalid("few_below is \(fewBelow), expected at least 0") }
        guard manyAbove >= 0 else { throw LDLError.invalid("many_above is \(manyAbove), expected at least 0") }
        // Below that, a count could be both few and many.
        guard manyAbove >= fewBelow - 1 else {
            throw LDLError.invalid("many_above is \(manyAbove), expected at least few_below - 1 (\(fewBelow - 1))")
        }
    }
}

/// The paper's Few / Medium / Many split of a label.
public enum LabelSplit: String, Sendable {
    case empty, few, medium, many
}

/// One label of `Model.labelSupport`.
public struct LabelSupportRow: Sendable, Equatable {
    /// 0-based (SQL adds 1).
    public var label: Int
    public var rowsTop: Int
    public var prototypeSize: Int
    public var softSupport: Double
    public var split: LabelSplit
    /// The nearest labels (0-based), nearest first, ties to the lowest label;
    /// nil for an empty label. A few label's are base (medium/many) labels.
    public var neighbours: [Int]?
    public var distances: [Double]?
    /// The mean of `distances`; nil when there are none.
    public var meanDistance: Double?
    /// Share of the rows with this top label whose leave-one-out prediction has it too (nil: no such rows, or no evaluation).
    public var looTop1Recall: Double?
    /// Mean over all rows of `|d_i[j] − ŷ_i[j]|` (nil without evaluation).
    public var looMAE: Double?
}

/// Per-label counts of a model version.
struct LabelCounts {
    var rowsTop: [Int]
    var soft: [Double]
}

extension Model {
    /// Rows per top label and soft support, summed in key order; cached until the next `add`.
    func labelCounts(isCancelled: () -> Bool) throws(LDLError) -> LabelCounts {
        if let cached = neighbourCache.labelCounts { return cached }
        let L = labelCount
        var counts = LabelCounts(rowsTop: Array(repeating: 0, count: L), soft: Array(repeating: 0, count: L))
        try labels.withUnsafeBufferPointer { (d) throws(LDLError) in
            for (r, i) in keyOrder.enumerated() {
                if r % Self.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
                let row = UnsafeBufferPointer(rebasing: d[(i * L)..<((i + 1) * L)])
                counts.rowsTop[Metrics.topLabel(row)] += 1
                for j in 0..<L { counts.soft[j] += row[j] }
            }
        }
        neighbourCache.labelCounts = counts
        return counts
    }

    /// Label `j`'s support `n` by `kind`.
    func support(_ kind: LabelSupport.Kind, label j: Int, counts: LabelCounts) -> Double {
        switch kind {
        case .top: return Double(counts.rowsTop[j])
        case .prototype: return Double(prototypes.sizes[j])
        case .soft: return counts.soft[j]
        }
    }

    /// F4.2: the split of `truth`'s top label (ties to the lowest label).
    ///
    /// - Throws: `.invalidParameter` for a truth of another length than the
    ///   model's labels, a value that is not finite and >= 0, or bad thresholds.
    public func labelSplit(
        truth: UnsafeBufferPointer<Double>, fewBelow: Int = LabelSupport.defaultFewBelow,
        manyAbove: Int = LabelSupport.defaultManyAbove, support kind: LabelSupport.Kind = .top,
        isCancelled: () -> Bool = { false }
    ) throws(LDLError) -> LabelSplit {
        try LabelSupport.validate(fewBelow: fewBelow, manyAbove: manyAbove)
        try Validation.checkLength(truth.count, expected: labelCount, what: "truth")
        try Metrics.validateValues(truth, name: "truth")
        let n = support(kind, label: Metrics.topLabel(truth), counts: try labelCounts(isCancelled: isCancelled))
        return LabelSupport.split(n, fewBelow: fewBelow, manyAbove: manyAbove)
    }

    /// Convenience for arrays.
    public func labelSplit(
        truth: [Double], fewBelow: Int = LabelSupport.defaultFewBelow, manyAbove: Int = LabelSupport.defaultManyAbove,
        support kind: LabelSupport.Kind = .top
    ) throws(LDLError) -> LabelSplit {
        try truth.withUnsafeBufferPointer { (t) throws(LDLError) in
            try labelSplit(truth: t, fewBelow: fewBelow, manyAbove: manyAbove, support: kind)
        }
    }

    /// F4.1: one row per label (ascending). `evaluate`: the method whose
    /// leave-one-out predictions fill `looTop1Recall` / `looMAE` (the SQL
    /// layer passes the model's default method); nil leaves them nil.
    ///
    /// - Throws: `.invalidParameter` for bad thresholds or `k < 1`, as
    ///   `leaveOneOutPredictions` with `evaluate`; `.notReady` for an empty model; `.cancelled`.
    public func labelSupport(
        fewBelow: Int = LabelSupport.defaultFewBelow, manyAbove: Int = LabelSupport.defaultManyAbove,
        support kind: LabelSupport.Kind = .top, k: Int = LabelSupport.defaultK,
        distance: LabelSupport.Distance = .euclidean, evaluate: Method? = nil, isCancelled: () -> Bool = { false }
    ) throws(LDLError) -> [LabelSupportRow] {
        try LabelSupport.validate(fewBelow: fewBelow, manyAbove: manyAbove)
        guard k >= 1 else { throw LDLError.invalid("k is \(k), expected at least 1") }
        guard count > 0 else { throw LDLError.emptyModel() }
        let L = labelCount
        let counts = try labelCounts(isCancelled: isCancelled)
        let n = (0..<L).map { support(kind, label: $0, counts: counts) }
        let splits = n.map { LabelSupport.split($0, fewBelow: fewBelow, manyAbove: manyAbove) }
        let centroids = try labelCentroids(kind, isCancelled: isCancelled)
        var rows: [LabelSupportRow] = (0..<L).map { j in
            LabelSupportRow(
                label: j, rowsTop: counts.rowsTop[j], prototypeSize: prototypes.sizes[j], softSupport: counts.soft[j],
                split: splits[j])
        }
        for j in 0..<L {
            guard splits[j] != .empty, let zj = centroids[j] else { continue }
            let few = splits[j] == .few
            var candidates: [(label: Int, distance: Double)] = []
            for c in 0..<L where c != j {
                guard let zc = centroids[c], splits[c] != .empty, !few || splits[c] == .medium || splits[c] == .many
                else { continue }
                candidates.append((c, Self.centroidDistance(zj, zc, distance)))
            }
            candidates.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.label < $1.label) }
            let chosen = candidates.prefix(k)
            rows[j].neighbours = chosen.map(\.label)
            rows[j].distances = chosen.map(\.distance)
            rows[j].meanDistance = chosen.isEmpty ? nil : chosen.reduce(0) { $0 + $1.distance } / Double(chosen.count)
        }
        if let method = evaluate {
            let predicted = try leaveOneOut(method: method, isCancelled: isCancelled)
            var hits = [Int](repeating: 0, count: L)
            var absolute = [Double](repeating: 0, count: L)
            for (r, i) in keyOrder.enumerated() {
                if r % Self.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
                let truth = Array(labels[(i * L)..<((i + 1) * L)])
                let p = Array(predicted[(i * L)..<((i + 1) * L)])
                let top = Metrics.topLabel(truth)
                if Metrics.topLabel(p) == top { hits[top] += 1 }
                for j in 0..<L { absolute[j] += abs(truth[j] - p[j]) }
            }
            for j in 0..<L {
                rows[j].looTop1Recall = counts.rowsTop[j] > 0 ? Double(hits[j]) / Double(counts.rowsTop[j]) : nil
                rows[j].looMAE = absolute[j] / Double(count)
            }
        }
        return rows
    }

    /// Each label's centroid: the mean of the features of the rows `kind`
    /// counts (weighted by `d_i[j]` for `soft`), summed in key order; nil for
    /// a label with none.
    func labelCentroids(_ kind: LabelSupport.Kind, isCancelled: () -> Bool) throws(LDLError) -> [[Double]?] {
        let L = labelCount
        let n = featureCount
        var sums = [[Double]](repeating: [Double](repeating: 0, count: n), count: L)
        var mass = [Double](repeating: 0, count: L)
        for (r, i) in keyOrder.enumerated() {
            if r % Self.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
            let row = labels[(i * L)..<((i + 1) * L)]
            var shares: [(Int, Double)] = []
            switch kind {
            case .top:
                shares = [(Metrics.topLabel(Array(row)), 1)]
            case .prototype:
                shares = (prototypes.memberStart[i]..<prototypes.memberStart[i + 1]).map { (Int(prototypes.memberLabels[$0]), 1) }
            case .soft:
                shares = (0..<L).compactMap { j in row[i * L + j] > 0 ? (j, row[i * L + j]) : nil }
            }
            let x = shares.isEmpty ? [] : storedFeatures(i, 1)
            for (j, w) in shares where j >= 0 && j < L {
                mass[j] += w
                for f in 0..<n { sums[j][f] += w * x[f] }
            }
        }
        return (0..<L).map { j in mass[j] > 0 ? sums[j].map { $0 / mass[j] } : nil }
    }

    static func centroidDistance(_ a: [Double], _ b: [Double], _ kind: LabelSupport.Distance) -> Double {
        switch kind {
        case .euclidean:
            var s = 0.0
            for f in 0..<Swift.min(a.count, b.count) { s += (a[f] - b[f]) * (a[f] - b[f]) }
            return s.squareRoot()
        case .cosine:
            var (ab, aa, bb) = (0.0, 0.0, 0.0)
            for f in 0..<Swift.min(a.count, b.count) {
                ab += a[f] * b[f]
                aa += a[f] * a[f]
                bb += b[f] * b[f]
            }
            let norms = aa.squareRoot() * bb.squareRoot()
            return 1 - (norms > 0 ? ab / norms : 0)
        }
    }
}
