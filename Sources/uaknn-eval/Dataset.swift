#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import LDLCore

/// A dataset folder as in `../shared/datasets`: `features.csv` and, except
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
    func model(rows indices: [Int]? = nil, storage: StorageMode = .auto) throws -> Model {
        guard let labels else { throw EvalError.data("\(directory): labels.csv is needed to train") }
        let model: Model
        do {
            model = try Model(featureCount: features.columns, labelCount: labels.columns, storage: storage)
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
