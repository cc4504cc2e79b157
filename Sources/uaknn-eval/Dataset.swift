#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import LDLCore

/// A dataset folder as in `Tests/data/SJAFFE`: `features.csv` and, except
/// for a test folder, `labels.csv`, row i of one belonging to row i of the other.
struct Dataset {
    var directory: String
    var features: Matrix
    /// nil for a test folder without labels.
    var labels: Matrix?

    var count: Int { features.rows }

    static func featuresPath(_ directory: String) -> String { directory + "/features.csv" }
    static func labelsPath(_ directory: String) -> String { directory + "/labels.csv" }

    /// Loads `directory`. With `labels: .required` a missing labels.csv is an
    /// error; with `.optional` it is allowed (a test folder). Row counts must match.
    static func load(_ directory: String, labels need: LabelNeed) throws -> Dataset {
        let features = try CSVReader.read(path: featuresPath(directory))
        let labelsPath = labelsPath(directory)
        var labels: Matrix? = nil
        if need == .required || fileExists(labelsPath) {
            labels = try CSVReader.read(path: labelsPath)
        }
        if let labels, labels.rows != features.rows {
            throw EvalError.data(
                "\(directory): features.csv has \(features.rows) rows but labels.csv has \(labels.rows)")
        }
        if let labels, labels.columns < 2 {
            throw EvalError.data("\(labelsPath): \(labels.columns) label column, expected at least 2")
        }
        return Dataset(directory: directory, features: features, labels: labels)
    }

    enum LabelNeed { case required, optional }

    private static func fileExists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// A model of the rows `indices` (all rows when nil). Each sample's key is
    /// its 0-based row number in the file, so that the core's tie-break (lowest
    /// key) is "first in the file", as in the spec's vectors. A row the core
    /// refuses (a label line that is not a distribution, say) is reported with
    /// its file line. The load ends with `finishLoad()`, as the database's does.
    /// `policy` decides which label lines are accepted and how they are
    /// divided (TUNING.md); `standardization`, when given, standardizes the
    /// rows (and later the queries); `storage` is the features' layout.
    func model(
        rows indices: [Int]? = nil, policy: LabelPolicy = LabelPolicy(), standardization: Standardization? = nil,
        storage: StorageMode = .auto
    ) throws -> Model {
        guard let labels else { throw EvalError.data("\(directory): labels.csv is needed to train") }
        let model: Model
        do {
            model = try Model(
                featureCount: features.columns, labelCount: labels.columns, labelPolicy: policy,
                standardization: standardization, storage: storage)
        } catch {
            throw EvalError.core(error, context: directory)
        }
        let rows = indices ?? Array(0..<count)
        model.reserveCapacity(additional: rows.count)
        let (n, l) = (features.columns, labels.columns)
        try features.values.withUnsafeBufferPointer { f in
            try labels.values.withUnsafeBufferPointer { d in
                for r in rows {
                    do {
                        try model.add(
                            key: Int64(r),
                            features: UnsafeBufferPointer(rebasing: f[(r * n)..<((r + 1) * n)]),
                            labels: UnsafeBufferPointer(rebasing: d[(r * l)..<((r + 1) * l)]))
                    } catch let error as LDLError {
                        // Features are already finite (the reader checks), so a
                        // refusal is about the label line.
                        throw EvalError.core(error, context: "\(Dataset.labelsPath(directory)):\(r + 1)")
                    }
                }
            }
        }
        model.finishLoad()
        return model
    }
}

/// The data options every command takes: which label lines are accepted.
enum LabelOptions {
    static let valued: Set<String> = ["label-tolerance"]
    static let flags: Set<String> = ["normalize-labels"]

    static func policy(_ arguments: Arguments) throws -> LabelPolicy {
        var policy = LabelPolicy()
        if let t = try arguments.double("label-tolerance") { policy.tolerance = t }
        policy.normalize = arguments.has("normalize-labels")
        do { try policy.validate() } catch { throw MethodOptions.usage(error, "label-tolerance") }
        return policy
    }
}

extension Dataset {
    /// A model of `rows` ready to predict `candidates`: standardized with
    /// the rows' own statistics when one of them asks for zscore, with a
    /// maximum-entropy fit for each l2 a maxent in them uses (only one is
    /// kept: a model holds one fit, so the candidates must agree on l2).
    func model(rows: [Int]? = nil, policy: LabelPolicy, for candidate: Candidate, storage: StorageMode = .auto)
        throws -> Model
    {
        var model = try self.model(rows: rows, policy: policy, storage: storage)
        do {
            if candidate.standardize == .zscore {
                model = try self.model(
                    rows: rows, policy: policy, standardization: try model.fitStandardization(), storage: storage)
            }
            if let l2 = Self.maxEntL2(candidate.method) { model.maxEntFit = try model.fitMaxEnt(l2: l2) }
        } catch let error as LDLError {
            throw EvalError.core(error, context: directory)
        }
        return model
    }

    /// The l2 of the first maxent in `method`, if any.
    static func maxEntL2(_ method: Method) -> Double? {
        switch method {
        case .maxent(let l2): return l2
        case .mix(let members, _): return members.lazy.compactMap { maxEntL2($0) }.first
        default: return nil
        }
    }
}
