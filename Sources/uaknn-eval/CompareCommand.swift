import Foundation
import LDLCore

/// `compare`: predictions of one storage mode against another's on a split
/// of a dataset (train on the first rows, predict the rest). For each method:
/// the largest difference, the queries differing by more than `--tolerance`,
/// and how many of those used other neighbours (other keys, or the same in
/// another order: a distance tie, or near-tie, that the storage's rounding
/// broke the other way). A difference with the same neighbours is counted as
/// unexplained: it would be a defect of the storage mode.
enum CompareCommand {
    static let valued: Set<String> = MethodOptions.valued.union([
        "data", "storage", "against", "train-fraction", "train-rows", "method", "tolerance", "seed",
    ])
    static let flags = MethodOptions.flags

    static func run(_ arguments: Arguments) throws {
        let directory = try arguments.requiredString("data")
        let storage = try StorageOption.parse(arguments.string("storage") ?? "float4")
        let against = try StorageOption.parse(arguments.string("against") ?? "dense")
        let tolerance = try arguments.double("tolerance") ?? 1e-6
        // The storage layouts change what the neighbour methods scan; prior and
        // maxent read no distances, so "all" means the four neighbour methods.
        let requested = arguments.string("method") ?? "all"
        var names = try MethodOptions.names(requested, allowAll: true)
        if requested.lowercased() == "all" { names.removeAll { ["prior", "maxent"].contains($0) } }
        let methods = try MethodOptions.methods(names, arguments: arguments, seed: try arguments.uint64("seed") ?? 0)
        if arguments.has("train-fraction"), arguments.has("train-rows") {
            throw EvalError.usage("give --train-fraction or --train-rows, not both")
        }
        let data = try Dataset.load(directory, labels: .required)
        let trainRows: Int
        if let rows = try arguments.int("train-rows", in: 1...Int.max) {
            trainRows = rows
        } else {
            let fraction = try arguments.double("train-fraction") ?? 0.8
            guard fraction > 0, fraction < 1 else {
                throw EvalError.usage("option --train-fraction is \(fraction), expected a number in (0, 1)")
            }
            trainRows = Int((Double(data.count) * fraction).rounded(.down))
        }
        guard trainRows >= 1, trainRows < data.count else {
            throw EvalError.usage("the split leaves \(trainRows) training rows of \(data.count), expected 1 to \(data.count - 1)")
        }
        let train = Array(0..<trainRows)
        let models = try [against, storage].map { try data.model(rows: train, storage: $0) }
        let queries = data.features.rows(Array(trainRows..<data.count))
        let n = queries.columns, count = queries.rows, L = models[0].labelCount
        Output.out(
            "\(directory): train on rows 1-\(trainRows), predict rows \(trainRows + 1)-\(data.count); "
                + "\(storage.name) (\(StorageOption.describe(models[1]))) against \(against.name) "
                + "(\(StorageOption.describe(models[0]))); tolerance \(tolerance)\n\n")
        var table = [["method", "queries", "max |difference|", "over tolerance", "other neighbours", "unexplained"]]
        var unexplained = 0
        for entry in methods {
            var predictions: [[Double]] = []
            for model in models {
                do {
                    predictions.append(try model.predictBatch(queries.values, count: count, method: entry.candidate.method))
                } catch {
                    throw EvalError.core(error, context: entry.name)
                }
            }
            var worst = 0.0, over = 0, changed = 0, bad = 0
            for r in 0..<count {
                var difference = 0.0
                for j in 0..<L { difference = max(difference, abs(predictions[0][r * L + j] - predictions[1][r * L + j])) }
                worst = max(worst, difference)
                guard difference > tolerance else { continue }
                over += 1
                let query = Array(queries.values[(r * n)..<((r + 1) * n)])
                var used: [[Int64]] = []
                for model in models {
                    do {
                        used.append(try neighbours(model, query, entry.candidate.method))
                    } catch {
                        throw EvalError.core(error, context: "\(entry.name), row \(trainRows + r + 1)")
                    }
                }
                if used[0] != used[1] { changed += 1 } else { bad += 1 }
            }
            unexplained += bad
            table.append([entry.name, "\(count)", String(format: "%.3g", worst), "\(over)", "\(changed)", "\(bad)"])
        }
        Output.out(BenchCommand.align(table))
        if unexplained > 0 {
            throw EvalError.data("\(unexplained) prediction(s) differ by more than \(tolerance) with the same neighbours")
        }
    }

    /// The keys of the samples a prediction used, in the order it ranked them.
    static func neighbours(_ model: Model, _ query: [Double], _ method: Method) throws(LDLError) -> [Int64] {
        switch method {
        case .uaknn(let options):
            return try model.explain(query, options: options).map(\.key)
        case .wuaknn:
            return try model.explain(query, options: UAKNNOptions()).map(\.key)
        case .aaknn(let k):
            return try model.nearestSamples(query, k: k).map(\.key)
        case .kernel(let o):
            return try model.nearestSamples(query, k: o.k == 0 ? model.count : o.k).map(\.key)
        case .mix(let members, _):
            var keys: [Int64] = []
            for m in members { keys += try neighbours(model, query, m) }
            return keys
        case .prior, .maxent:
            return []  // every row, or none: no neighbours to compare
        }
    }
}
