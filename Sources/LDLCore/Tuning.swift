/// Tuning (TUNING.md "Tuning"): cross-validate a grid of candidates, pick
/// the best on one metric (ties: the earlier candidate), return the
/// leaderboard.
///
/// The default grid, in this order: `prior`; `aaknn` k ∈ {3, 5, 10, 20, 40};
/// `kernel` k ∈ {16, 32, 64, 128} (k-th-neighbour bandwidth); `wuaknn`;
/// `uaknn` temperature ∈ {1, 0.1, 0.02}; `maxent`. Each neighbour candidate
/// appears twice in its place, first with `standardize = none`, then
/// `zscore` (so a tie prefers the plainer configuration). Then three
/// mixtures of the best neighbour candidate (on the tuning metric, ties to
/// the earlier) and `maxent`, with the neighbour's weight 0.25, 0.5, 0.75
/// (maxent's the rest), under the neighbour's standardization: 31 in all.
public struct TuningGrid: Sendable, Equatable {
    /// Evaluated as given, in order.
    public var candidates: [Candidate]
    /// Weights of the best neighbour candidate in its mixtures with
    /// `maxent(l2:)`, appended after `candidates`; empty: no mixtures.
    public var mixtureWeights: [Double]
    /// λ of the mixtures' maxent member.
    public var l2: Double

    public init(candidates: [Candidate], mixtureWeights: [Double] = [], l2: Double = MaxEntFit.defaultL2) {
        self.candidates = candidates
        self.mixtureWeights = mixtureWeights
        self.l2 = l2
    }

    /// The spec's default grid.
    public static func standard(l2: Double = MaxEntFit.defaultL2) -> TuningGrid {
        var neighbours: [Method] = [3, 5, 10, 20, 40].map { .aaknn(k: $0) }
        neighbours += [16, 32, 64, 128].map { .kernel(k: $0) }
        neighbours.append(.wuaknn())
        neighbours += [1, 0.1, 0.02].map { .uaknn(UAKNNOptions(temperature: $0)) }
        var candidates = [Candidate(.prior)]
        for m in neighbours {
            candidates.append(Candidate(m, standardize: .none))
            candidates.append(Candidate(m, standardize: .zscore))
        }
        candidates.append(Candidate(.maxent(l2: l2)))
        return TuningGrid(candidates: candidates, mixtureWeights: [0.25, 0.5, 0.75], l2: l2)
    }

    /// The mixtures of `neighbour` and maxent, in weight order.
    public func mixtures(of neighbour: Candidate) -> [Candidate] {
        mixtureWeights.map { w in
            Candidate(.mix([neighbour.method, .maxent(l2: l2)], weights: [w, 1 - w]), standardize: neighbour.standardize)
        }
    }

    func validate() throws(LDLError) {
        guard !candidates.isEmpty else { throw LDLError.invalid("tuning grid is empty, expected at least 1 candidate") }
        if let w = mixtureWeights.first(where: { !($0.isFinite && $0 >= 0 && $0 <= 1) }) {
            throw LDLError.invalid("mixture weight is \(w), expected a number from 0 to 1")
        }
        if !mixtureWeights.isEmpty { try MaxEntFit.validateL2(l2) }
    }
}

public struct TuningOptions: Sendable, Equatable {
    public var crossValidation: CrossValidationOptions
    /// The metric the best candidate is picked on.
    public var metric: MetricKind

    public init(crossValidation: CrossValidationOptions = CrossValidationOptions(), metric: MetricKind = .kl) {
        self.crossValidation = crossValidation
        self.metric = metric
    }
}

/// One line of the leaderboard.
public struct LeaderboardEntry: Sendable {
    /// 1 = best; nil for a candidate that could not be evaluated.
    public var rank: Int?
    /// The candidate's place in the grid (mixtures after the grid's candidates), 0-based.
    public var gridIndex: Int
    public var scores: CandidateScores
}

public struct TuningResult: Sendable {
    public var metric: MetricKind
    public var best: Candidate
    /// Best first (ties in grid order), then the candidates that failed.
    public var leaderboard: [LeaderboardEntry]
    /// The best neighbour candidate the mixtures were made with, if any.
    public var bestNeighbour: Candidate?
}

extension Model {
    /// Tunes on this model's rows (stored as given, see `crossValidate`).
    /// The grid's mixtures are evaluated from their members' fold
    /// predictions: every neighbour candidate's mixtures are scored along
    /// the way (a weighted sum, no scan), and those of the best one are kept.
    public func tune(
        grid: TuningGrid = .standard(), options: TuningOptions = TuningOptions(),
        progress: (CrossValidationProgress) -> Void = { _ in }, isCancelled: () -> Bool = { false }
    ) throws(LDLError) -> TuningResult {
        let run = try TuningRun(model: self, grid: grid, options: options)
        _ = try run.step(progress: progress, isCancelled: isCancelled)
        return try run.result()
    }
}

/// A tuning run carried out a little at a time (see `CrossValidationRun`):
/// `Model.tune` steps one to the end.
public final class TuningRun {
    public let grid: TuningGrid
    public let options: TuningOptions
    private let cv: CrossValidationRun
    /// Indices of the grid's neighbour candidates (those mixed with maxent).
    private let neighbours: [Int]

    /// Checks the grid and options and prepares the run; nothing is computed yet.
    public init(model: Model, grid: TuningGrid = .standard(), options: TuningOptions = TuningOptions())
        throws(LDLError)
    {
        try grid.validate()
        var cvOptions = options.crossValidation
        if !cvOptions.metrics.contains(options.metric) { cvOptions.metrics.append(options.metric) }
        let neighbours = grid.mixtureWeights.isEmpty ? [] : grid.candidates.indices.filter { grid.candidates[$0].usesStandardization }
        var evaluated = grid.candidates
        for i in neighbours { evaluated += grid.mixtures(of: grid.candidates[i]) }
        self.grid = grid
        self.options = options
        self.neighbours = neighbours
        self.cv = try CrossValidationRun(model: model, candidates: evaluated, options: cvOptions)
    }

    public var isDone: Bool { cv.isDone }

    /// Runs for about `budget` seconds (see `CrossValidationRun.step`); true when done.
    public func step(
        budget: Double = .infinity, progress: (CrossValidationProgress) -> Void = { _ in },
        isCancelled: () -> Bool = { false }
    ) throws(LDLError) -> Bool {
        try cv.step(budget: budget, progress: progress, isCancelled: isCancelled)
    }

    /// The leaderboard and the pick, once the run is done.
    public func result() throws(LDLError) -> TuningResult {
        guard cv.isDone else { throw LDLError(.internal, "tuning run is not done") }
        let scores = cv.results()
        let base = grid.candidates.count
        var shown = Array(scores[0..<base])
        let bestNeighbour = Model.best(neighbours, in: scores, options.metric)
        if let b = bestNeighbour, let slot = neighbours.firstIndex(of: b) {
            let first = base + slot * grid.mixtureWeights.count
            shown += scores[first..<(first + grid.mixtureWeights.count)]
        }
        guard let winner = Model.best(Array(shown.indices), in: shown, options.metric) else {
            let why = scores.first { $0.failure != nil }?.failure?.message ?? "no metric"
            throw LDLError(
                .notReady, "no candidate could be evaluated", detail: "The first failure: \(why).",
                hint: "Check that the rows' labels vary and the model has enough rows for the folds.")
        }
        let metric = options.metric
        let ranked = shown.indices.filter { Model.metric(shown[$0], metric) != nil }
            .sorted { a, b in
                let (x, y) = (Model.metric(shown[a], metric) ?? 0, Model.metric(shown[b], metric) ?? 0)
                if x != y { return metric.higherIsBetter ? x > y : x < y }
                return a < b
            }
        var board = ranked.enumerated().map { LeaderboardEntry(rank: $0 + 1, gridIndex: $1, scores: shown[$1]) }
        for i in shown.indices where Model.metric(shown[i], metric) == nil {
            board.append(LeaderboardEntry(rank: nil, gridIndex: i, scores: shown[i]))
        }
        return TuningResult(
            metric: metric, best: shown[winner].candidate, leaderboard: board,
            bestNeighbour: bestNeighbour.map { scores[$0].candidate })
    }
}

extension Model {
    /// The metric of a candidate that was evaluated, nil otherwise.
    static func metric(_ s: CandidateScores, _ kind: MetricKind) -> Double? {
        guard s.failure == nil, let v = s.value(kind), !v.isNaN else { return nil }
        return v
    }

    /// The best of `indices` on `kind`; ties to the earlier index.
    static func best(_ indices: [Int], in scores: [CandidateScores], _ kind: MetricKind) -> Int? {
        var best: (index: Int, value: Double)? = nil
        for i in indices {
            guard let v = metric(scores[i], kind) else { continue }
            if let b = best {
                if kind.higherIsBetter ? v > b.value : v < b.value { best = (i, v) }
            } else {
                best = (i, v)
            }
        }
        return best?.index
    }
}
