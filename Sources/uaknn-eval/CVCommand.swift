import Foundation
import LDLCore

/// `cv`: repeated k-fold cross-validation of one or more methods on a
/// dataset, by the core's engine (the folds of TUNING.md: a row's fold is a
/// hash of its key, here its 0-based row number, so the numbers are those
/// `uaknn_tune` computes in SQL), printed as mean ± std of the six standard
/// metrics.
enum CVCommand {
    static let valued: Set<String> = MethodOptions.valued.union(LabelOptions.valued).union([
        "data", "folds", "repeats", "seed", "method", "digits", StorageOption.name,
    ])
    static let flags = MethodOptions.flags.union(LabelOptions.flags)

    static func run(_ arguments: Arguments) throws {
        let directory = try arguments.requiredString("data")
        let folds = try arguments.int("folds", in: 2...Int.max) ?? 5
        let repeats = try arguments.int("repeats", in: 1...CrossValidationOptions.maximumRepeats) ?? 10
        // One seed fixes the folds and UAKNN's sampled mode alike.
        let seed = try arguments.uint64("seed") ?? 0
        let names = try MethodOptions.names(arguments.string("method") ?? "all", allowAll: true)
        let methods = try MethodOptions.methods(names, arguments: arguments, seed: seed)
        let policy = try LabelOptions.policy(arguments)
        let digits = try arguments.int("digits", in: 1...15) ?? 4
        let storage = try StorageOption.mode(arguments)

        let data = try Dataset.load(directory, labels: .required)
        guard folds <= data.count else {
            throw EvalError.usage("option --folds is \(folds), expected 2 to \(data.count) (the number of samples)")
        }
        let model = try data.model(policy: policy, storage: storage)
        let started = Output.now()
        let options = CrossValidationOptions(folds: folds, repeats: repeats, seed: seed)
        let results = try Evaluation.run("cv") { progress, cancel throws(LDLError) in
            try model.crossValidate(methods.map(\.candidate), options: options, progress: progress, isCancelled: cancel)
        }
        let seconds = Output.now() - started

        let standardize = methods.contains { $0.candidate.standardize == .zscore } ? ", standardize zscore" : ""
        Output.out(
            "\(directory): \(data.count) samples, \(data.features.columns) features, \(model.labelCount) labels; "
                + "\(repeats) × \(folds)-fold cross-validation, seed \(seed)\(standardize), storage \(storage.name), "
                + "\(String(format: "%.1f", seconds)) s\n")
        Output.out(
            "mean over every test row of every fold ± std of the per-fold means (folds by key hash, key = row number)\n\n")
        Output.out(
            Evaluation.table(results.enumerated().map { (methods[$0].name, $1, nil) }, seconds: false, digits: digits))
    }
}

/// What `cv` and `tune` share: running the core with progress on stderr, and the table.
enum Evaluation {
    static func run<R>(
        _ label: String,
        _ body: ((CrossValidationProgress) -> Void, () -> Bool) throws(LDLError) -> R
    ) throws -> R {
        var progress = Progress(label: label, total: 1)
        defer { progress.finish() }
        do {
            return try body({ p in
                progress.update(fraction: p.fraction, detail: "repeat \(p.repeatNumber), fold \(p.foldNumber): \(p.stage)")
            }, { false })
        } catch {
            throw EvalError.core(error, context: label)
        }
    }

    /// An aligned text table: a row per candidate, a column per metric with
    /// its direction (↓ lower is better, ↑ higher), then n (rows scored) and,
    /// when `seconds`, the candidate's attributable time. A failed candidate
    /// shows its error.
    static func table(
        _ rows: [(name: String, scores: CandidateScores, rank: Int?)], seconds: Bool, digits: Int = 4
    ) -> String {
        let kinds = MetricKind.standard
        let ranked = rows.contains { $0.rank != nil }
        var header = ranked ? ["rank", "candidate"] : ["method"]
        header += kinds.map { $0.name + ($0.higherIsBetter ? " ↑" : " ↓") }
        header.append("n")
        if seconds { header.append("s") }
        var lines = [header]
        var failures: [String] = []
        for r in rows {
            var line = ranked ? [r.rank.map(String.init) ?? "-", r.name] : [r.name]
            if let failure = r.scores.failure {
                failures.append("\(r.name): \(failure.message)")
                line += kinds.map { _ in "failed" }
            } else {
                for kind in kinds {
                    let k = r.scores.metrics.firstIndex(of: kind) ?? 0
                    line.append(String(format: "%.\(digits)f ± %.\(digits)f", r.scores.mean[k], r.scores.std[k]))
                }
            }
            line.append(String(r.scores.n))
            if seconds { line.append(String(format: "%.3f", r.scores.seconds)) }
            lines.append(line)
        }
        let left = ranked ? 2 : 1
        var widths = [Int](repeating: 0, count: header.count)
        for line in lines { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var text = ""
        for (n, line) in lines.enumerated() {
            var out = ""
            for (i, cell) in line.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                out += (i == 0 ? "" : "  ") + (i < left ? cell + pad : pad + cell)
            }
            while out.hasSuffix(" ") { out.removeLast() }
            text += out + "\n"
            if n == 0 {
                text += widths.enumerated().map { String(repeating: "-", count: $1 + ($0 == 0 ? 0 : 2)) }.joined() + "\n"
            }
        }
        for f in failures { text += "failed: \(f)\n" }
        return text
    }
}
