/// Cross-validation of candidate configurations on a model's rows
/// (TUNING.md "Cross-validation folds"): folds by key hash, statistics a
/// candidate derives from rows (standardization, maxent weights, the prior)
/// taken from the training folds only, metrics the mean over all test rows
/// of all folds and repeats with the standard deviation over folds.
public struct CrossValidationOptions: Sendable, Equatable {
    public var folds: Int
    public var repeats: Int
    public var seed: UInt64
    /// The metrics reported, in this order.
    public var metrics: [MetricKind]
    /// The most bytes the methods' predictions of one fold's test rows may
    /// take (nil: no limit); a fold that would need more throws programLimit.
    public var memoryLimit: Int? = nil

    public static let maximumRepeats = 1000

    public init(folds: Int = 5, repeats: Int = 1, seed: UInt64 = 0, metrics: [MetricKind] = MetricKind.standard) {
        self.folds = folds
        self.repeats = repeats
        self.seed = seed
        self.metrics = metrics
    }

    func validate(rowCount: Int) throws(LDLError) {
        guard rowCount >= 2 else {
            throw LDLError(.notReady, "model has \(rowCount) samples, cross-validation needs at least 2")
        }
        guard folds >= 2, folds <= rowCount else {
            throw LDLError.invalid("folds is \(folds), expected 2 to \(rowCount) (the number of samples)")
        }
        guard repeats >= 1, repeats <= Self.maximumRepeats else {
            throw LDLError.invalid("repeats is \(repeats), expected 1 to \(Self.maximumRepeats)")
        }
        guard !metrics.isEmpty, Set(metrics).count == metrics.count else {
            throw LDLError.invalid("metrics are empty or repeated, expected distinct metric kinds")
        }
    }
}

/// The cross-validated scores of one candidate.
public struct CandidateScores: Sendable {
    public var candidate: Candidate
    /// The metrics of `mean` and `std`, in order.
    public var metrics: [MetricKind]
    /// Test rows scored: every row once per repeat.
    public var n: Int
    /// Per metric: the mean over all scored rows.
    public var mean: [Double]
    /// Per metric: the sample standard deviation (n − 1) of the per-fold
    /// means over all folds of all repeats; 0 for a single fold.
    public var std: [Double]
    /// Time attributable to the candidate: its own finishing and scoring,
    /// an equal share of each fold model, scan and fit it shared with other
    /// candidates, and for a mixture its members' time too.
    public var seconds: Double
    /// Why the candidate could not be evaluated (its metrics are then NaN),
    /// e.g. UAKNN on a training fold whose prototypes are all empty.
    public var failure: LDLError?

    /// The mean of `kind`, if it was computed.
    public func value(_ kind: MetricKind) -> Double? {
        metrics.firstIndex(of: kind).map { mean[$0] }
    }
}

/// Where a cross-validation run is, for a progress report.
public struct CrossValidationProgress: Sendable {
    /// Share of the work done, 0 to 1.
    public var fraction: Double
    /// 1-based.
    public var repeatNumber: Int
    public var foldNumber: Int
    /// What is running, e.g. "scans, standardize zscore".
    public var stage: String
}

extension Model {
    /// Cross-validates `candidates` on this model's rows. The model must
    /// store its rows as given (no `standardization`): `zscore` candidates
    /// standardize with each training fold's own statistics.
    ///
    /// Each fold builds one training model per standardization the
    /// candidates use, and scores the held-out rows in blocks with scans
    /// shared by all candidates (see `CVPlan`), so a grid costs a few passes
    /// per fold rather than one per candidate. Results are exactly those of
    /// building each fold's model and predicting with `predictBatch`.
    /// Everything is summed in key order, so the result does not depend on
    /// the order the rows were added in. `progress` is called often (after
    /// every block of queries); `isCancelled` is polled at least every 1024
    /// rows of a scan and every optimizer iteration.
    public func crossValidate(
        _ candidates: [Candidate], options: CrossValidationOptions = CrossValidationOptions(),
        progress: (CrossValidationProgress) -> Void = { _ in }, isCancelled: () -> Bool = { false }
    ) throws(LDLError) -> [CandidateScores] {
        try crossValidate(candidates, options: options, progress: progress, isCancelled: isCancelled, observe: nil)
    }

    /// `observe(candidate, repeat, test keys, predictions)` sees every fold's
    /// predictions (for tests).
    func crossValidate(
        _ candidates: [Candidate], options: CrossValidationOptions, progress: (CrossValidationProgress) -> Void,
        isCancelled: () -> Bool, observe: ((Int, Int, [Int64], [Double]) -> Void)?
    ) throws(LDLError) -> [CandidateScores] {
        let run = try CrossValidationRun(model: self, candidates: candidates, options: options)
        _ = try run.step(progress: progress, isCancelled: isCancelled, observe: observe)
        return run.results()
    }
}

/// A cross-validation run that can be carried out a little at a time, for a
/// caller that must regain control every so often (the database reports
/// progress and honours cancel between steps, outside the core). Stepping
/// until done gives exactly what `Model.crossValidate` returns: that is
/// how it runs.
///
/// The units of work are a fold's set-up, one `prior` or `maxent` fit, one
/// fold model, one block of held-out queries against it, and a fold's
/// scoring; `step` runs units until its time budget is spent.
public final class CrossValidationRun {
    private let run: CVRun
    private var failed = false

    /// Checks the candidates and options (the errors `crossValidate` throws)
    /// and prepares the run; nothing is computed yet. The run keeps `model`,
    /// which must not change until the run is done.
    public init(model: Model, candidates: [Candidate], options: CrossValidationOptions = CrossValidationOptions())
        throws(LDLError)
    {
        guard !candidates.isEmpty else { throw LDLError.invalid("no candidates, expected at least 1") }
        for (i, c) in candidates.enumerated() {
            do { try c.method.validate() } catch {
                var e = error
                e.message = "candidate \(i + 1): " + e.message
                throw e
            }
        }
        guard model.standardization == nil else {
            throw LDLError.invalid(
                "model rows are standardized, cross-validation needs them as given",
                hint: "Cross-validate a model without standardization; zscore candidates standardize per fold.")
        }
        try options.validate(rowCount: model.count)
        run = CVRun(model: model, candidates: candidates, options: options)
    }

    /// Whether every unit has run (`results` is then complete).
    public var isDone: Bool { run.isDone }

    /// Runs units of work until about `budget` seconds have passed (at
    /// least one unit; `.infinity`: to the end) and returns whether the run
    /// is done. A thrown error (cancellation included) ends the run: later
    /// calls throw again.
    public func step(
        budget: Double = .infinity, progress: (CrossValidationProgress) -> Void = { _ in },
        isCancelled: () -> Bool = { false }
    ) throws(LDLError) -> Bool {
        try step(budget: budget, progress: progress, isCancelled: isCancelled, observe: nil)
    }

    func step(
        budget: Double = .infinity, progress: (CrossValidationProgress) -> Void, isCancelled: () -> Bool,
        observe: ((Int, Int, [Int64], [Double]) -> Void)?
    ) throws(LDLError) -> Bool {
        guard !failed else { throw LDLError(.internal, "cross-validation run was stopped by an error") }
        let deadline = MonotonicClock.now() + budget
        do {
            repeat {
                if run.isDone { return true }
                try run.unit(progress: progress, isCancelled: isCancelled, observe: observe)
            } while MonotonicClock.now() < deadline
        } catch {
            failed = true
            throw error
        }
        return run.isDone
    }

    /// The scores of every candidate, in order (complete once `isDone`).
    public func results() -> [CandidateScores] { run.results() }
}

/// The state of one cross-validation run, and its units of work.
private final class CVRun {
    let model: Model
    let candidates: [Candidate]
    let options: CrossValidationOptions
    let plan: CVPlan
    let n: Int
    let l: Int
    /// Storage indices in key order.
    let order: [Int]

    var leafFailures: [Int: LDLError] = [:]
    var leafSeconds: [Double]
    var ownSeconds: [Double]
    var candidateFailures: [Int: LDLError] = [:]
    var foldMeans: [[[Double]]]  // candidate, metric, fold
    var totals: [[Double]]  // candidate, metric
    var scored: [Int]

    /// The next unit of work.
    private enum Next {
        /// Split the next fold (`repeatIndex`, `foldIndex`).
        case startFold
        /// The fold's neutral leaf `fold.neutral[i]`.
        case neutral(Int)
        /// The fold model of `fold.modes[i]`.
        case build(Int)
        /// The block of held-out queries from `start` against the fold model of `fold.modes[mode]`.
        case scan(mode: Int, start: Int)
        /// Score the fold's candidates.
        case score
        case finish
        case done
    }

    /// The fold being computed.
    private final class Fold {
        let repeatIndex: Int
        let foldIndex: Int
        let test: [Int]
        let train: [Int]
        var outputs: [[Double]]
        var failures: [Int: LDLError]
        let neutral: [Int]
        let modes: [StandardizeMode]
        let stages: Double
        var stage = 0.0
        var model: Model? = nil
        var queries: [Double] = []
        var work: [Model.LeafWork] = []

        init(
            repeatIndex: Int, foldIndex: Int, test: [Int], train: [Int], outputs: [[Double]],
            failures: [Int: LDLError], neutral: [Int], modes: [StandardizeMode]
        ) {
            self.repeatIndex = repeatIndex
            self.foldIndex = foldIndex
            self.test = test
            self.train = train
            self.outputs = outputs
            self.failures = failures
            self.neutral = neutral
            self.modes = modes
            self.stages = Double(modes.count + (neutral.isEmpty ? 0 : 1))
        }
    }

    private var next = Next.startFold
    private var repeatIndex = 0
    private var foldIndex = 0
    /// The fold of each row (in key order) in the current repeat.
    private var foldOf: [Int] = []
    private var fold: Fold? = nil

    var isDone: Bool {
        if case .done = next { return true }
        return false
    }

    init(model: Model, candidates: [Candidate], options: CrossValidationOptions) {
        self.model = model
        self.candidates = candidates
        self.options = options
        self.plan = CVPlan(candidates)
        self.n = model.featureCount
        self.l = model.labelCount
        self.order = model.keyOrder
        leafSeconds = Array(repeating: 0, count: plan.leaves.count)
        ownSeconds = Array(repeating: 0, count: candidates.count)
        let k = options.metrics.count
        foldMeans = Array(repeating: Array(repeating: [], count: k), count: candidates.count)
        totals = Array(repeating: Array(repeating: 0, count: k), count: candidates.count)
        scored = Array(repeating: 0, count: candidates.count)
    }

    /// Reports `fraction` of the current fold's work done, at `stage`.
    private func report(_ fold: Fold, _ stage: String, _ fraction: Double, _ progress: (CrossValidationProgress) -> Void) {
        let folds = options.folds
        let done = Double(fold.repeatIndex * folds + fold.foldIndex)
        progress(
            CrossValidationProgress(
                fraction: (done + fraction) / Double(folds * options.repeats), repeatNumber: fold.repeatIndex + 1,
                foldNumber: fold.foldIndex + 1, stage: stage))
    }

    /// After the neutral leaves or a fold model's scans: the next fold model, or scoring.
    private func afterStage(_ fold: Fold, mode: Int) -> Next {
        fold.stage += 1
        return mode < fold.modes.count ? .build(mode) : .score
    }

    /// Runs one unit of work.
    func unit(
        progress: (CrossValidationProgress) -> Void, isCancelled: () -> Bool,
        observe: ((Int, Int, [Int64], [Double]) -> Void)?
    ) throws(LDLError) {
        switch next {
        case .startFold:
            guard repeatIndex < options.repeats else {
                next = .finish
                return
            }
            if isCancelled() { throw LDLError.cancelled }
            let (r, f, folds) = (repeatIndex, foldIndex, options.folds)
            if f == 0 {
                let salt = Folds.repeatSalt(seed: options.seed, repeat: r)
                foldOf = order.map { Folds.fold(key: model.keys[$0], salt: salt, folds: folds) }
            }
            foldIndex += 1
            if foldIndex == folds {
                foldIndex = 0
                repeatIndex += 1
            }
            var test: [Int] = []
            var train: [Int] = []
            for (position, index) in order.enumerated() {
                if foldOf[position] == f { test.append(index) } else { train.append(index) }
            }
            guard !test.isEmpty else { return }
            guard !train.isEmpty else {
                throw LDLError.invalid(
                    "every row falls in fold \(f + 1) of repeat \(r + 1), cross-validation needs rows in at least two folds",
                    hint: "Add rows, or use another seed.")
            }
            let size = test.count * l
            let live = plan.leaves.indices.filter { leafFailures[$0] == nil }.count
            if let limit = options.memoryLimit, live * size * MemoryLayout<Double>.stride > limit {
                throw LDLError(
                    .programLimit,
                    "the predictions of \(live) methods for the \(test.count) test rows of fold \(f + 1) take "
                        + "\(live * size * MemoryLayout<Double>.stride / 1024) kB, more than the limit of \(limit / 1024) kB",
                    hint: "Cross-validate fewer candidates at a time, or raise uaknn.max_model_memory.")
            }
            let outputs: [[Double]] = plan.leaves.indices.map {
                leafFailures[$0] == nil ? [Double](repeating: 0, count: size) : []
            }
            let neutral = plan.leaves.indices.filter { plan.leaves[$0].group == .neutral && leafFailures[$0] == nil }
            let started = Fold(
                repeatIndex: r, foldIndex: f, test: test, train: train, outputs: outputs, failures: leafFailures,
                neutral: neutral, modes: plan.modes)
            fold = started
            if neutral.isEmpty {
                next = started.modes.isEmpty ? .score : .build(0)
            } else {
                report(started, "prior and maxent", 0, progress)
                next = .neutral(0)
            }

        case .neutral(let i):
            guard let fold else { throw LDLError(.internal, "cross-validation has no fold") }
            let leaf = fold.neutral[i]
            let began = MonotonicClock.now()
            do {
                try neutralPredictions(
                    plan.leaves[leaf].method, test: fold.test, train: fold.train, into: &fold.outputs[leaf],
                    isCancelled: isCancelled)
            } catch {
                if error.kind == .cancelled { throw error }
                fold.failures[leaf] = error
            }
            leafSeconds[leaf] += MonotonicClock.now() - began
            next = i + 1 < fold.neutral.count ? .neutral(i + 1) : afterStage(fold, mode: 0)

        case .build(let m):
            guard let fold else { throw LDLError(.internal, "cross-validation has no fold") }
            let mode = fold.modes[m]
            report(fold, "scans, standardize \(mode.rawValue)", fold.stage / fold.stages, progress)
            let leaves = plan.leaves.indices.filter {
                plan.leaves[$0].group != .neutral && plan.leaves[$0].standardize == mode
            }
            let began = MonotonicClock.now()
            let (foldModel, queries) = try foldModel(mode, test: fold.test, train: fold.train, isCancelled: isCancelled)
            let users = leaves.filter { fold.failures[$0] == nil }
            let buildShare = (MonotonicClock.now() - began) / Double(Swift.max(users.count, 1))
            for leaf in users { leafSeconds[leaf] += buildShare }
            fold.model = foldModel
            fold.queries = queries
            fold.work = leaves.map { Model.LeafWork(index: $0, method: plan.leaves[$0].method, group: plan.leaves[$0].group) }
            next = .scan(mode: m, start: 0)

        case .scan(let m, let start):
            guard let fold, let foldModel = fold.model else { throw LDLError(.internal, "cross-validation has no fold model") }
            let label = "scans, standardize \(fold.modes[m].rawValue)"
            let count = fold.test.count
            let end = Swift.min(count, start + Model.blockSize(featureCount: n, labelCount: l))
            let (base, stages) = (fold.stage, fold.stages)
            try fold.queries.withUnsafeBufferPointer { (q) throws(LDLError) in
                try foldModel.leafPredictions(
                    queries: q, count: count, rows: start..<end, leaves: fold.work, outputs: &fold.outputs,
                    failures: &fold.failures, seconds: &leafSeconds,
                    progress: { report(fold, label, (base + $0) / stages, progress) }, isCancelled: isCancelled)
            }
            if end < count {
                next = .scan(mode: m, start: end)
            } else {
                fold.model = nil  // free the fold model before the next one is built
                fold.queries = []
                next = afterStage(fold, mode: m + 1)
            }

        case .score:
            guard let fold else { throw LDLError(.internal, "cross-validation has no fold") }
            let context = "repeat \(fold.repeatIndex + 1), fold \(fold.foldIndex + 1)"
            for (leaf, error) in fold.failures where leafFailures[leaf] == nil {
                var e = error
                e.message = "\(context): " + e.message
                leafFailures[leaf] = e
            }
            let r = fold.repeatIndex
            try score(
                test: fold.test, outputs: fold.outputs, observe: observe.map { o in { c, keys, p in o(c, r, keys, p) } },
                isCancelled: isCancelled)
            self.fold = nil
            next = .startFold

        case .finish:
            progress(
                CrossValidationProgress(
                    fraction: 1, repeatNumber: options.repeats, foldNumber: options.folds, stage: "done"))
            next = .done

        case .done:
            break
        }
    }

    /// A training model of the fold (rows in key order) and the test rows as
    /// its queries, standardized with the training rows' statistics for zscore.
    private func foldModel(_ mode: StandardizeMode, test: [Int], train: [Int], isCancelled: () -> Bool)
        throws(LDLError) -> (Model, [Double])
    {
        let statistics: Standardization? =
            mode == .zscore
            ? try model.withStoredFeatures { (x) throws(LDLError) in
                try Standardization.fit(features: x, featureCount: n, rows: train, isCancelled: isCancelled)
            } : nil
        // The stored labels are distributions already; normalize only keeps the policy from refusing any.
        let fold = try Model(
            featureCount: n, labelCount: l, labelPolicy: LabelPolicy(normalize: true), standardization: statistics,
            storage: model.requestedStorage)
        fold.reserveCapacity(additional: train.count)
        try model.withStoredFeatures { (x) throws(LDLError) in
            try model.withStoredLabels { (d) throws(LDLError) in
                for (r, i) in train.enumerated() {
                    if r % Model.pollInterval == 0, isCancelled() { throw LDLError.cancelled }
                    try fold.add(
                        key: model.keys[i], features: UnsafeBufferPointer(rebasing: x[(i * n)..<((i + 1) * n)]),
                        labels: UnsafeBufferPointer(rebasing: d[(i * l)..<((i + 1) * l)]),
                        weight: model.weights?[i])
                }
            }
        }
        var queries = [Double](repeating: 0, count: test.count * n)
        try model.withStoredFeatures { (x) throws(LDLError) in
            try queries.withUnsafeMutableBufferPointer { (q) throws(LDLError) in
                for (t, i) in test.enumerated() {
                    let source = UnsafeBufferPointer(rebasing: x[(i * n)..<((i + 1) * n)])
                    let target = UnsafeMutableBufferPointer(rebasing: q[(t * n)..<((t + 1) * n)])
                    if let statistics {
                        guard statistics.apply(source, into: target) else {
                            throw LDLError.invalid(
                                "row with key \(model.keys[i]) standardizes to a value that is not finite",
                                hint: "A feature is far outside the range of the training rows.")
                        }
                    } else {
                        for f in 0..<n { target[f] = source[f] }
                    }
                }
            }
        }
        return (fold, queries)
    }

    /// `prior` and `maxent` of the training rows for the test rows, computed
    /// as a training model of the rows would (`priorDistribution`, `fitMaxEnt`).
    private func neutralPredictions(
        _ method: Method, test: [Int], train: [Int], into out: inout [Double], isCancelled: () -> Bool
    ) throws(LDLError) {
        switch method {
        case .prior:
            var mean = [Double](repeating: 0, count: l)
            model.withStoredLabels { d in
                for i in train {
                    for j in 0..<l { mean[j] += d[i * l + j] }
                }
            }
            for j in 0..<l { mean[j] /= Double(train.count) }
            for t in 0..<test.count {
                for j in 0..<l { out[t * l + j] = mean[j] }
            }
        case .maxent(let l2):
            let fit = try model.withStoredFeatures { (x) throws(LDLError) in
                try model.withStoredLabels { (d) throws(LDLError) in
                    try MaxEnt.fit(
                        features: x, labels: d, featureCount: n, labelCount: l, rows: train, ownStatistics: true,
                        l2: l2, isCancelled: isCancelled)
                }
            }
            try model.withStoredFeatures { (x) throws(LDLError) in
                try out.withUnsafeMutableBufferPointer { (o) throws(LDLError) in
                    for (t, i) in test.enumerated() {
                        guard
                            fit.predict(
                                UnsafeBufferPointer(rebasing: x[(i * n)..<((i + 1) * n)]),
                                into: UnsafeMutableBufferPointer(rebasing: o[(t * l)..<((t + 1) * l)]))
                        else { throw LDLError.notStandardizable(row: nil) }
                    }
                }
            }
        default:
            throw LDLError(.internal, "\(method.name) is not a neutral leaf")
        }
    }

    /// Composes every live candidate's predictions and adds its fold's metrics.
    private func score(
        test: [Int], outputs: [[Double]], observe: ((Int, [Int64], [Double]) -> Void)?, isCancelled: () -> Bool
    ) throws(LDLError) {
        let kinds = options.metrics
        var prediction: [Double] = []
        for c in candidates.indices where candidateFailures[c] == nil {
            if isCancelled() { throw LDLError.cancelled }
            if let failed = plan.leavesOfCandidate[c].first(where: { leafFailures[$0] != nil }),
                let error = leafFailures[failed]
            {
                candidateFailures[c] = error
                continue
            }
            let began = MonotonicClock.now()
            plan.compose(c, leafPredictions: outputs, count: test.count, labelCount: l, into: &prediction)
            var sums = [Double](repeating: 0, count: kinds.count)
            var failure: LDLError? = nil
            model.withStoredLabels { truth in
                prediction.withUnsafeBufferPointer { predicted in
                    for (t, i) in test.enumerated() {
                        let a = UnsafeBufferPointer(rebasing: truth[(i * l)..<((i + 1) * l)])
                        let b = UnsafeBufferPointer(rebasing: predicted[(t * l)..<((t + 1) * l)])
                        do throws(LDLError) {
                            try Metrics.validate(truth: a, prediction: b)
                        } catch {
                            failure = error
                            return
                        }
                        for (k, kind) in kinds.enumerated() { sums[k] += Metrics.value(kind, truth: a, prediction: b) }
                    }
                }
            }
            if let failure {
                candidateFailures[c] = failure
                continue
            }
            observe?(c, test.map { model.keys[$0] }, prediction)
            for k in kinds.indices {
                foldMeans[c][k].append(sums[k] / Double(test.count))
                totals[c][k] += sums[k]
            }
            scored[c] += test.count
            ownSeconds[c] += MonotonicClock.now() - began
        }
    }

    func results() -> [CandidateScores] {
        candidates.indices.map { c in
            let k = options.metrics.count
            var mean = [Double](repeating: .nan, count: k)
            var std = [Double](repeating: .nan, count: k)
            if candidateFailures[c] == nil, scored[c] > 0 {
                for m in 0..<k {
                    mean[m] = totals[c][m] / Double(scored[c])
                    std[m] = Self.sampleDeviation(foldMeans[c][m])
                }
            }
            let seconds = plan.leavesOfCandidate[c].reduce(ownSeconds[c]) { $0 + leafSeconds[$1] }
            return CandidateScores(
                candidate: candidates[c], metrics: options.metrics, n: candidateFailures[c] == nil ? scored[c] : 0,
                mean: mean, std: std, seconds: seconds, failure: candidateFailures[c])
        }
    }

    static func sampleDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count - 1)).squareRoot()
    }
}
