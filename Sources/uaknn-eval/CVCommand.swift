import Foundation
import LDLCore

/// `cv`: repeated k-fold cross-validation of one or more methods on a
/// dataset, printed as a table of mean ± std of the six standard metrics.
enum CVCommand {
    static let valued: Set<String> = MethodOptions.valued.union(["data", "folds", "repeats", "seed", "method", StorageOption.name])
    static let flags = MethodOptions.flags

    static func run(_ arguments: Arguments) throws {
        let directory = try arguments.requiredString("data")
        let folds = try arguments.int("folds", in: 2...Int.max) ?? 5
        let repeats = try arguments.int("repeats", in: 1...1_000_000) ?? 10
        // One seed fixes the splits and UAKNN's sampled mode alike.
        let seed = try arguments.uint64("seed") ?? 0
        let names = try MethodOptions.names(arguments.string("method") ?? "all", allowAll: true)
        let methods = try MethodOptions.methods(names, arguments: arguments, seed: seed)
        let storage = try StorageOption.mode(arguments)

        let data = try Dataset.load(directory, labels: .required)
        let started = Output.now()
        let cv = CrossValidation(folds: folds, repeats: repeats, seed: seed, storage: storage)
        let results = try cv.run(data, methods: methods)
        let seconds = Output.now() - started

        let L = data.labels?.columns ?? 0
        Output.out(
            "\(directory): \(data.count) samples, \(data.features.columns) features, \(L) labels; "
                + "\(repeats) × \(folds)-fold cross-validation, seed \(seed), storage \(storage.name), "
                + "\(String(format: "%.1f", seconds)) s\n")
        Output.out("mean ± std over the \(folds * repeats) folds (a fold scores the mean over its test rows)\n\n")
        Output.out(table(results))
    }

    /// An aligned text table: a row per method, a column per metric, the
    /// metric's direction (↓ lower is better, ↑ higher) in the header.
    static func table(_ results: [CrossValidation.MethodScores]) -> String {
        let kinds = MetricKind.standard
        var header = ["method"]
        header += kinds.map { $0.name + ($0.higherIsBetter ? " ↑" : " ↓") }
        var rows = [header]
        for r in results {
            var row = [r.name]
            for k in 0..<kinds.count {
                let (mean, std) = CrossValidation.meanAndDeviation(r.scores[k])
                row.append(String(format: "%.4f ± %.4f", mean, std))
            }
            rows.append(row)
        }
        var widths = [Int](repeating: 0, count: header.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var text = ""
        for (n, row) in rows.enumerated() {
            var line = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += i == 0 ? cell + pad : "  " + pad + cell
            }
            text += line + "\n"
            if n == 0 {
                text += widths.enumerated().map { String(repeating: "-", count: $1 + ($0 == 0 ? 0 : 2)) }.joined() + "\n"
            }
        }
        return text
    }
}
