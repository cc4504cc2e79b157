import LDLCore
import UAKNNBridgeABI

// Jobs: the work of uaknn_cross_validate, uaknn_tune and uaknn_refit on a
// model's rows as stored (docs/tuning.md §§ 2, 4, 6, 7). The shim reads the
// rows into a job (not into the cache, whose rows may be standardized), then
// steps the run, regaining control between steps to report progress and
// honour cancel, and reads the results back. A job is dropped by the shim
// when its statement ends, whether it succeeded or not.

/// One job: the raw rows, the model's options, and a run or a fit.
final class Job {
    let model: Model
    /// The model's options: its model-scope options (l2, standardize) are
    /// what candidates are parsed over, and its l2 the default grid's.
    let options: Settings
    let optionsJSON: JSONValue
    var run: CrossValidationRun?
    var tuning: TuningRun?
    /// Cross-validation of the default grid: the tuning run's shown
    /// candidates, in grid order.
    var gridOrder = false
    /// The rows of the result, once the run is done.
    var rows: [(candidate: Candidate, rank: Int?, scores: CandidateScores)] = []
    var winner: Candidate?
    var metric = MetricKind.kl
    var progress: CrossValidationProgress?
    /// The fit's columns (`FitStorage`), once made.
    var fit: (statistics: [Double], maxent: [Double])?
    /// The most bytes a fold's predictions may take (nil: no limit).
    var memoryLimit: Int?

    /// The most methods (mixture members counted) one call may
    /// cross-validate: planning compares each with those before it.
    static let maximumMethods = 10_000

    /// The methods a candidate's JSON names: 1, or its members' (nested).
    static func methodCount(_ json: JSONValue) -> Int {
        guard case .object(let members) = json, let m = members.first(where: { $0.key == "members" }),
            case .array(let items) = m.value
        else { return 1 }
        return items.reduce(0) { $0 + methodCount($1) }
    }

    init(model: Model, options: Settings, optionsJSON: JSONValue) {
        self.model = model
        self.options = options
        self.optionsJSON = optionsJSON
    }

    var l2: Double { options.number("l2") ?? MaxEntFit.defaultL2 }

    /// The options of the model with `winner` applied: the options that
    /// describe its rows kept, every prediction parameter and standardize
    /// and l2 dropped, then the winner's options.
    func tunedOptions(_ winner: Candidate) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if case .object(let old) = optionsJSON {
            members = old.filter { Parameter.named($0.key)?.describesRows ?? false }
        }
        if case .object(let chosen) = winner.options { members += chosen }
        return .object(members)
    }

    /// The candidates of a JSON array of option objects, each over the
    /// model's model-scope options; errors name the candidate's position.
    func candidates(_ json: JSONValue) throws(LDLError) -> [Candidate] {
        guard case .array(let items) = json else {
            throw LDLError.invalid(
                "candidates must be a JSON array of option objects, not \(json.typeName)",
                hint: #"For example '[{"method": "aaknn", "k": 10}, {"method": "kernel", "standardize": "zscore"}]'."#)
        }
        guard !items.isEmpty else {
            throw LDLError.invalid("candidates is an empty array, expected at least 1 option object")
        }
        let methods = items.reduce(0) { $0 + Self.methodCount($1) }
        guard methods <= Self.maximumMethods else {
            throw LDLError.invalid(
                "candidates name \(methods) methods (mixture members counted), expected at most \(Self.maximumMethods)",
                hint: "Cross-validate them in several calls.")
        }
        let base = Settings().overlaid(by: options.filtered { $0.scope == .model })
        var out: [Candidate] = []
        for (i, item) in items.enumerated() {
            do throws(LDLError) {
                let given = try Settings.options(item)
                // Of the model options, a candidate may choose only those a
                // fold's model is fitted with; the rest describe the rows.
                if let rows = Parameter.all.first(where: { $0.describesRows && given.values[$0.name] != nil }) {
                    throw LDLError.invalid(
                        "option \"\(rows.name)\" applies to the model's rows, not to a candidate",
                        hint: "Set it in the model's options.")
                }
                if given.text("method")?.lowercased() == "auto" {
                    throw LDLError.invalid("method auto is not a candidate, name a method")
                }
                out.append(try base.overlaid(by: given).candidate())
            } catch {
                var e = error
                e.message = "candidate \(i + 1): " + e.message
                if e.kind != .cancelled { e.kind = .invalidParameter }
                throw e
            }
        }
        return out
    }
}

extension Settings {
    /// These settings with only the parameters `keep` accepts.
    func filtered(_ keep: (Parameter) -> Bool) -> Settings {
        removing(values.keys.filter { Parameter.named($0).map { !keep($0) } ?? true })
    }
}

nonisolated(unsafe) var jobs: [Int64: Job] = [:]
nonisolated(unsafe) var lastJob: Int64 = 0

func job(_ id: Int64) throws(LDLError) -> Job {
    guard let job = jobs[id] else { throw LDLError(.internal, "job \(id) does not exist") }
    return job
}

/// A job over an empty model of N features and L labels, as stored (no
/// standardization), accepting rows by the options' label rule and holding
/// them in the options' storage.
@_cdecl("uaknn_job_create")
public func uaknn_job_create(
    _ n: Int32, _ l: Int32, _ options: UnsafePointer<CChar>?, _ optionsLength: Int32,
    _ id: UnsafeMutablePointer<Int64>?, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let text = try utf8String(options, optionsLength)
        let json = text.isEmpty ? JSONValue.object([]) : try JSONValue.parse(text)
        let settings = try Settings.options(json)
        let model = try Model(
            featureCount: Int(n), labelCount: Int(l), labelPolicy: settings.labelPolicy(),
            storage: settings.storageMode())
        lastJob += 1
        jobs[lastJob] = Job(model: model, options: settings, optionsJSON: json)
        id?.pointee = lastJob
    }
}

/// Ends the job's load (as `uaknn_cache_finish_load`).
@_cdecl("uaknn_job_finish_load")
public func uaknn_job_finish_load(_ id: Int64) {
    jobs[id]?.model.finishLoad()
}

/// Adds `count` rows to the job's model (as `uaknn_cache_add`).
@_cdecl("uaknn_job_add")
public func uaknn_job_add(
    _ id: Int64, _ count: Int32, _ keys: UnsafePointer<Int64>?,
    _ features: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?, _ weights: UnsafePointer<Double>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let model = try job(id).model
        guard count > 0 else { return }
        guard let keys else { throw LDLError(.internal, "keys are a null pointer") }
        let rows = Int(count)
        try model.add(
            keys: UnsafeBufferPointer(start: keys, count: rows),
            features: try buffer(features, Int32(clamping: rows * model.featureCount), name: "features"),
            labels: try buffer(labels, Int32(clamping: rows * model.labelCount), name: "labels"),
            weights: weights.map { UnsafeBufferPointer(start: $0, count: rows) },
            isCancelled: { false })
    }
}

/// Sets the most memory, in kB, the predictions of one fold may take in the
/// job's cross-validation or tuning (negative: no limit). Before preparing it.
@_cdecl("uaknn_job_set_memory_limit")
public func uaknn_job_set_memory_limit(_ id: Int64, _ kilobytes: Int32) {
    jobs[id]?.memoryLimit = kilobytes < 0 ? nil : Int(kilobytes) * 1024
}

/// Forgets a job (idempotent).
@_cdecl("uaknn_job_drop")
public func uaknn_job_drop(_ id: Int64) {
    jobs[id] = nil
}

/// Prepares the cross-validation of `candidates` (a JSON array of option
/// objects; NULL: the default grid, its mixtures those of the best neighbour
/// candidate by KL, in grid order).
@_cdecl("uaknn_job_cross_validate")
public func uaknn_job_cross_validate(
    _ id: Int64, _ candidates: UnsafePointer<CChar>?, _ candidatesLength: Int32, _ folds: Int32, _ repeats: Int32,
    _ seed: Int64, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let job = try job(id)
        var options = CrossValidationOptions(folds: Int(folds), repeats: Int(repeats), seed: UInt64(bitPattern: seed))
        options.memoryLimit = job.memoryLimit
        if let candidates {
            let list = try job.candidates(try JSONValue.parse(try utf8String(candidates, candidatesLength)))
            job.run = try CrossValidationRun(model: job.model, candidates: list, options: options)
        } else {
            job.gridOrder = true
            job.tuning = try TuningRun(
                model: job.model, grid: .standard(l2: job.l2), options: TuningOptions(crossValidation: options))
        }
    }
}

/// Prepares tuning on `metric` over `candidates` (NULL: the default grid
/// with its mixtures), one repeat of `folds` folds.
@_cdecl("uaknn_job_tune")
public func uaknn_job_tune(
    _ id: Int64, _ candidates: UnsafePointer<CChar>?, _ candidatesLength: Int32,
    _ metric: UnsafePointer<CChar>?, _ metricLength: Int32, _ folds: Int32, _ seed: Int64,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let job = try job(id)
        job.metric = try MetricKind.parse(try utf8String(metric, metricLength))
        let grid: TuningGrid
        if let candidates {
            grid = TuningGrid(candidates: try job.candidates(try JSONValue.parse(try utf8String(candidates, candidatesLength))))
        } else {
            grid = .standard(l2: job.l2)
        }
        var cv = CrossValidationOptions(folds: Int(folds), repeats: 1, seed: UInt64(bitPattern: seed))
        cv.memoryLimit = job.memoryLimit
        job.tuning = try TuningRun(model: job.model, grid: grid, options: TuningOptions(crossValidation: cv, metric: job.metric))
    }
}

/// Runs the job's cross-validation or tuning for about `budget` seconds;
/// `done` tells whether it finished (its rows are then ready), `progress`
/// where it is. Polls `interrupted` and returns a cancelled status.
@_cdecl("uaknn_job_step")
public func uaknn_job_step(
    _ id: Int64, _ budget: Double, _ done: UnsafeMutablePointer<Bool>?, _ progress: UnsafeMutablePointer<uaknn_progress>?,
    _ interrupted: uaknn_interrupt_fn?, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let job = try job(id)
        let cancelled = { interrupted?() ?? false }
        let record = { (p: CrossValidationProgress) in job.progress = p }
        let finished: Bool
        if let run = job.run {
            finished = try run.step(budget: budget, progress: record, isCancelled: cancelled)
            if finished, job.rows.isEmpty {
                job.rows = run.results().map { ($0.candidate, nil, $0) }
            }
        } else if let tuning = job.tuning {
            finished = try tuning.step(budget: budget, progress: record, isCancelled: cancelled)
            if finished, job.rows.isEmpty {
                let result = try tuning.result()
                if job.gridOrder {
                    job.rows = result.leaderboard.sorted { $0.gridIndex < $1.gridIndex }
                        .map { ($0.scores.candidate, nil, $0.scores) }
                } else {
                    job.rows = result.leaderboard.map { ($0.scores.candidate, $0.rank, $0.scores) }
                    job.winner = result.best
                }
            }
        } else {
            throw LDLError(.internal, "job \(id) has nothing to run")
        }
        done?.pointee = finished
        if let progress, let p = job.progress {
            progress.pointee.fraction = p.fraction
            progress.pointee.repeat_number = Int32(clamping: p.repeatNumber)
            progress.pointee.fold_number = Int32(clamping: p.foldNumber)
            copyCString(p.stage, into: &progress.pointee.stage)
        }
    }
}

/// The number of result rows (0 until the run is done).
@_cdecl("uaknn_job_result_count")
public func uaknn_job_result_count(_ id: Int64) -> Int32 {
    Int32(clamping: jobs[id]?.rows.count ?? 0)
}

/// Result row `index`: its rank, n, the six standard metrics (mean, std),
/// the tuning metric's mean, seconds, and why it failed if it did.
@_cdecl("uaknn_job_result")
public func uaknn_job_result(
    _ id: Int64, _ index: Int32, _ row: UnsafeMutablePointer<uaknn_result_row>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let job = try job(id)
        guard index >= 0, Int(index) < job.rows.count, let row else {
            throw LDLError(.internal, "result row \(index) is out of range")
        }
        let r = job.rows[Int(index)]
        let kinds = MetricKind.standard
        row.pointee.rank = Int32(clamping: r.rank ?? 0)
        row.pointee.n = Int64(r.scores.n)
        row.pointee.seconds = r.scores.seconds
        row.pointee.score = (job.tuning != nil && !job.gridOrder) ? (r.scores.value(job.metric) ?? .nan) : .nan
        withUnsafeMutableBytes(of: &row.pointee.mean) { raw in
            let mean = raw.bindMemory(to: Double.self)
            for (k, kind) in kinds.enumerated() where k < mean.count {
                mean[k] = r.scores.failure == nil ? (r.scores.value(kind) ?? .nan) : .nan
            }
        }
        withUnsafeMutableBytes(of: &row.pointee.std) { raw in
            let std = raw.bindMemory(to: Double.self)
            for (k, kind) in kinds.enumerated() where k < std.count {
                let i = r.scores.metrics.firstIndex(of: kind)
                std[k] = r.scores.failure == nil ? (i.map { r.scores.std[$0] } ?? .nan) : .nan
            }
        }
        copyCString(r.scores.failure?.message, into: &row.pointee.failure)
    }
}

/// A text of the job (`uaknn_job_text_kind`): copied NUL-terminated into
/// `buffer` when it fits in `capacity`. Returns its length in bytes
/// (without the NUL), or -1 when the job has no such text.
@_cdecl("uaknn_job_text")
public func uaknn_job_text(
    _ id: Int64, _ kind: Int32, _ index: Int32, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int32
) -> Int32 {
    guard let job = jobs[id] else { return -1 }
    let text: String
    switch uaknn_job_text_kind(rawValue: UInt32(bitPattern: kind)) {
    case UAKNN_TEXT_CANDIDATE:
        guard index >= 0, Int(index) < job.rows.count else { return -1 }
        text = job.rows[Int(index)].candidate.json
    case UAKNN_TEXT_WINNER:
        guard let winner = job.winner else { return -1 }
        text = winner.json
    case UAKNN_TEXT_TUNED_OPTIONS:
        guard let winner = job.winner else { return -1 }
        text = job.tunedOptions(winner).text
    default:
        return -1
    }
    let utf8 = Array(text.utf8)
    guard utf8.count < Int(Int32.max) else { return -1 }
    if let buffer, Int(capacity) > utf8.count {
        for (i, byte) in utf8.enumerated() { buffer[i] = CChar(bitPattern: byte) }
        buffer[utf8.count] = 0
    }
    return Int32(utf8.count)
}

/// Fits what a model stores (docs/tuning.md §§ 2, 4) on the job's rows: the
/// standardization statistics and the maximum-entropy fit with the l2 of
/// `options` (the model's options as they will be). Returns the lengths of
/// the two columns; `uaknn_job_fit_copy` copies them. Polls `interrupted`.
@_cdecl("uaknn_job_fit")
public func uaknn_job_fit(
    _ id: Int64, _ options: UnsafePointer<CChar>?, _ optionsLength: Int32, _ interrupted: uaknn_interrupt_fn?,
    _ statsLength: UnsafeMutablePointer<Int32>?, _ maxentLength: UnsafeMutablePointer<Int32>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let job = try job(id)
        let text = try utf8String(options, optionsLength)
        let settings = text.isEmpty ? Settings() : try Settings.options(try JSONValue.parse(text))
        let cancelled = { interrupted?() ?? false }
        // The l2 of the method's maxent part (perhaps a mix member); auto
        // and methods without one: the options' l2.
        let method = try? settings.method()
        let l2 = try method?.storedFitL2() ?? settings.number("l2") ?? MaxEntFit.defaultL2
        let statistics = try job.model.fitStandardization(isCancelled: cancelled)
        let fit = try job.model.fitMaxEnt(l2: l2, isCancelled: cancelled)
        let columns = (FitStorage.statistics(statistics), try FitStorage.maxent(fit))
        guard columns.0.count < Int(Int32.max), columns.1.count < Int(Int32.max) else {
            throw LDLError.invalid("the model's fit is too large to store")
        }
        job.fit = columns
        statsLength?.pointee = Int32(columns.0.count)
        maxentLength?.pointee = Int32(columns.1.count)
    }
}

/// Copies the fit's columns into buffers of the lengths `uaknn_job_fit` gave.
@_cdecl("uaknn_job_fit_copy")
public func uaknn_job_fit_copy(
    _ id: Int64, _ stats: UnsafeMutablePointer<Double>?, _ statsCapacity: Int32,
    _ maxent: UnsafeMutablePointer<Double>?, _ maxentCapacity: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        guard let fit = try job(id).fit else { throw LDLError(.internal, "job \(id) has no fit") }
        let a = try output(stats, capacity: Int64(statsCapacity), needed: fit.statistics.count)
        let b = try output(maxent, capacity: Int64(maxentCapacity), needed: fit.maxent.count)
        for (i, x) in fit.statistics.enumerated() { a[i] = x }
        for (i, x) in fit.maxent.enumerated() { b[i] = x }
    }
}

/// Whether a model with these options needs a fit to predict: statistics
/// (standardize zscore) or a maximum-entropy fit (maxent in the method or
/// its members).
@_cdecl("uaknn_options_need_fit")
public func uaknn_options_need_fit(
    _ options: UnsafePointer<CChar>?, _ optionsLength: Int32, _ needed: UnsafeMutablePointer<Bool>?,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let text = try utf8String(options, optionsLength)
        let settings = text.isEmpty ? Settings() : try Settings.options(try JSONValue.parse(text))
        // auto names the tuned configuration, which a new model does not have.
        let method = try? settings.method()
        _ = try method?.storedFitL2()
        needed?.pointee = settings.standardizeMode() == .zscore || (method?.usesMaxEnt ?? false)
    }
}
