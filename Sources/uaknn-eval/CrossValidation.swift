import LDLCore

/// Repeated k-fold cross-validation, the paper's protocol (10 times 5-fold).
///
/// Each repeat shuffles the row numbers with one SplitMix64 stream seeded by
/// `seed` (so a seed fixes every split of every repeat) and cuts them into
/// `folds` parts whose sizes differ by at most one. Each part is the test set
/// once, against a model of the other parts; all methods are scored on the
/// same splits and the same models. A fold's score is the mean of a metric over
/// its test rows; the reported mean and standard deviation are over all
/// `folds × repeats` fold scores (sample deviation, n − 1), the usual way LDL
/// papers report "mean ± std" for this protocol.
struct CrossValidation {
    var folds: Int
    var repeats: Int
    var seed: UInt64
    var storage: StorageMode = .auto

    /// Fold scores of one method: `scores[m]` holds one value per fold run, for
    /// metric `MetricKind.standard[m]`.
    struct MethodScores {
        var name: String
        var scores: [[Double]]
    }

    /// The splits of one repeat: `folds` arrays of test row numbers, ascending.
    static func splits(count: Int, folds: Int, generator: inout SplitMix64) -> [[Int]] {
        var order = Array(0..<count)
        order.fisherYatesShuffle(using: &generator)
        var result: [[Int]] = []
        var start = 0
        for f in 0..<folds {
            let size = count / folds + (f < count % folds ? 1 : 0)
            result.append(order[start..<(start + size)].sorted())
            start += size
        }
        return result
    }

    func run(_ data: Dataset, methods: [(name: String, method: Method)]) throws -> [MethodScores] {
        guard let labels = data.labels else { throw EvalError.data("\(data.directory): labels.csv is needed for cv") }
        guard folds >= 2, folds <= data.count else {
            throw EvalError.usage("--folds is \(folds), expected 2 to \(data.count) (the number of samples)")
        }
        let kinds = MetricKind.standard
        var results = methods.map { MethodScores(name: $0.name, scores: Array(repeating: [], count: kinds.count)) }
        var generator = SplitMix64(seed: seed)
        var progress = Progress(label: "cv", total: folds * repeats)
        defer { progress.finish() }
        let L = labels.columns
        var metric = [Double](repeating: 0, count: kinds.count)

        for repeatIndex in 0..<repeats {
            let parts = Self.splits(count: data.count, folds: folds, generator: &generator)
            for (f, test) in parts.enumerated() {
                progress.update(done: repeatIndex * folds + f, detail: "folds (repeat \(repeatIndex + 1), fold \(f + 1))")
                var isTest = [Bool](repeating: false, count: data.count)
                for r in test { isTest[r] = true }
                let train = (0..<data.count).filter { !isTest[$0] }
                let model = try data.model(rows: train, storage: storage)
                let queries = data.features.rows(test)
                for (m, entry) in methods.enumerated() {
                    let predictions: [Double]
                    do {
                        predictions = try model.predictBatch(queries.values, count: test.count, method: entry.method)
                    } catch {
                        throw EvalError.core(error, context: "\(entry.name), repeat \(repeatIndex + 1), fold \(f + 1)")
                    }
                    var sums = [Double](repeating: 0, count: kinds.count)
                    try labels.values.withUnsafeBufferPointer { truth in
                        try predictions.withUnsafeBufferPointer { predicted in
                            try metric.withUnsafeMutableBufferPointer { out in
                                for (i, r) in test.enumerated() {
                                    do {
                                        try Metrics.standard(
                                            truth: UnsafeBufferPointer(rebasing: truth[(r * L)..<((r + 1) * L)]),
                                            prediction: UnsafeBufferPointer(rebasing: predicted[(i * L)..<((i + 1) * L)]),
                                            into: out)
                                    } catch let error as LDLError {
                                        throw EvalError.core(error, context: "\(entry.name), row \(r + 1)")
                                    }
                                    for k in 0..<kinds.count { sums[k] += out[k] }
                                }
                            }
                        }
                    }
                    for k in 0..<kinds.count { results[m].scores[k].append(sums[k] / Double(test.count)) }
                }
            }
        }
        return results
    }

    /// Mean and sample standard deviation (0 for a single value).
    static func meanAndDeviation(_ values: [Double]) -> (mean: Double, std: Double) {
        guard !values.isEmpty else { return (.nan, .nan) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, (ss / Double(values.count - 1)).squareRoot())
    }
}
