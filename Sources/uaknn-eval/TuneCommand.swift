import Foundation
import LDLCore

/// `tune`: the default grid of TUNING.md, cross-validated by the core's
/// engine exactly as `uaknn_tune` does in SQL (same folds, same candidates,
/// same pick), printed as a leaderboard. `--list` prints the grid.
enum TuneCommand {
    static let valued: Set<String> = LabelOptions.valued.union(["data", "folds", "repeats", "seed", "metric", "l2", "digits"])
    static let flags = LabelOptions.flags.union(["list"])

    static func run(_ arguments: Arguments) throws {
        let l2 = try arguments.double("l2") ?? MaxEntFit.defaultL2
        let grid = TuningGrid.standard(l2: l2)
        do { try Method.maxent(l2: l2).validate() } catch { throw MethodOptions.usage(error, "l2") }
        if arguments.has("list") {
            let others = arguments.givenNames.subtracting(["list", "l2"])
            if let name = others.sorted().first { throw EvalError.usage("option --\(name) does not apply with --list") }
            var text = ""
            for (i, c) in grid.candidates.enumerated() { text += "\(i + 1)\t\(c)\t\(c.json)\n" }
            let weights = grid.mixtureWeights.map { String($0) }.joined(separator: ", ")
            text += "then: mix(w best neighbour candidate, 1 − w maxent) for w = \(weights), "
                + "under the neighbour's standardize\n"
            Output.out(text)
            return
        }
        let directory = try arguments.requiredString("data")
        let folds = try arguments.int("folds", in: 2...Int.max) ?? 5
        let repeats = try arguments.int("repeats", in: 1...CrossValidationOptions.maximumRepeats) ?? 1
        let seed = try arguments.uint64("seed") ?? 0
        var metric = MetricKind.kl
        if let name = arguments.string("metric") {
            do { metric = try MetricKind.parse(name) } catch { throw MethodOptions.usage(error, "metric") }
        }
        let policy = try LabelOptions.policy(arguments)
        let digits = try arguments.int("digits", in: 1...15) ?? 4

        let data = try Dataset.load(directory, labels: .required)
        guard folds <= data.count else {
            throw EvalError.usage("option --folds is \(folds), expected 2 to \(data.count) (the number of samples)")
        }
        let model = try data.model(policy: policy)
        let started = Output.now()
        let options = TuningOptions(
            crossValidation: CrossValidationOptions(folds: folds, repeats: repeats, seed: seed), metric: metric)
        let result = try Evaluation.run("tune") { progress, cancel throws(LDLError) in
            try model.tune(grid: grid, options: options, progress: progress, isCancelled: cancel)
        }
        let seconds = Output.now() - started

        let direction = metric.higherIsBetter ? "higher" : "lower"
        Output.out(
            "\(directory): \(data.count) samples, \(data.features.columns) features, \(model.labelCount) labels; "
                + "\(repeats) × \(folds)-fold cross-validation, seed \(seed); \(result.leaderboard.count) candidates "
                + "by \(metric.name) (\(direction) is better) in \(String(format: "%.1f", seconds)) s\n")
        Output.out(
            "mean over every test row of every fold ± std of the per-fold means (folds by key hash, key = row number); "
                + "s: time attributable to the candidate (shared scans split)\n\n")
        Output.out(
            Evaluation.table(
                result.leaderboard.map { ($0.scores.candidate.description, $0.scores, $0.rank) }, seconds: true,
                digits: digits))
        if let n = result.bestNeighbour { Output.out("\nbest neighbour candidate (mixed with maxent): \(n)\n") }
        Output.out("best: \(result.best)\n      \(Candidate(result.best.method, standardize: result.best.standardize).json)\n")
    }
}
