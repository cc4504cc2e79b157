import Foundation
import LDLCore

/// `scale`: how the time of a prediction and the memory a model holds grow
/// with its rows and features, for each storage mode. Random data with a
/// fixed seed (features uniform in [0, 1), each non-zero with probability
/// `--density`; 5 labels), plus real datasets given with `--data`. For each
/// model: the last `--queries` generated rows (or dataset rows) are the
/// queries, timed one at a time and as one batch as in `bench`; every round
/// times every storage mode and method in turn, after a warm-up round.
enum ScaleCommand {
    static let valued: Set<String> = [
        "rows", "features", "density", "storage", "method", "queries", "rounds", "seed", "data",
    ]
    static let flags: Set<String> = ["cpu-time"]

    static let labelCount = 5

    static func run(_ arguments: Arguments) throws {
        // With --data alone, only the datasets are measured.
        let randomData = !arguments.has("data") || ["rows", "features", "density"].contains { arguments.has($0) }
        let rowCounts = randomData ? try list(arguments, "rows") ?? [20_000, 100_000, 300_000] : []
        let featureCounts = try list(arguments, "features") ?? [64]
        let density = try arguments.double("density") ?? 1
        guard density > 0, density <= 1 else {
            throw EvalError.usage("option --density is \(density), expected a number in (0, 1]")
        }
        let modes = try storageModes(arguments.string("storage") ?? "dense,float4,sparse")
        let names = try MethodOptions.names(arguments.string("method") ?? "uaknn,aaknn", allowAll: true)
        let seed = try arguments.uint64("seed") ?? 0
        let methods = try MethodOptions.methods(names, arguments: arguments, seed: seed)
        let queries = try arguments.int("queries", in: 1...100_000) ?? 32
        let rounds = try arguments.int("rounds", in: 1...1000) ?? 3
        let directories = arguments.string("data").map { $0.split(separator: ",").map(String.init) } ?? []

        if arguments.has("cpu-time") { BenchCommand.clock = Output.threadCPUTime }
        Output.out(
            "ms/query (\(arguments.has("cpu-time") ? "CPU time of the predicting thread" : "wall time")): median of "
                + "\(rounds) rounds after a warm-up round, \(queries) queries one at a time (single) and as one batch; "
                + "MB held: Model.memoryBytes\n")
        var header = ["data", "rows", "features", "non-zero", "storage", "MB held"]
        for m in methods { header += ["\(m.name) single", "\(m.name) batch"] }
        var table = [header]
        /// One model per mode, then rounds that each time every (mode,
        /// method) pair in turn, so that the machine's noise falls alike on all.
        func measure(_ data: Dataset, name: String, trainRows: Int) throws {
            let queryMatrix = data.features.rows(Array(trainRows..<data.count))
            let models = try modes.map { try data.model(rows: Array(0..<trainRows), storage: $0) }
            var single = Array(repeating: Array(repeating: [Double](), count: methods.count), count: modes.count)
            var batch = single
            for round in 0...rounds {
                for (i, model) in models.enumerated() {
                    for (m, entry) in methods.enumerated() {
                        let t = try BenchCommand.time(model, queryMatrix, entry.name, entry.candidate.method, rounds: 1, warmUp: false)
                        // Round 0 warms up.
                        if round > 0 {
                            single[i][m].append(t.single)
                            batch[i][m].append(t.batch)
                        }
                    }
                }
            }
            for (i, model) in models.enumerated() {
                let fraction = Double(model.nonZeroCount) / Double(max(1, model.count * model.featureCount))
                var row = [
                    name, "\(model.count)", "\(model.featureCount)", String(format: "%.3f", fraction),
                    modes[i] == .auto ? "auto: \(model.storageMode.name)" : modes[i].name,
                    StorageOption.megabytes(model.memoryBytes),
                ]
                for m in methods.indices {
                    row += [
                        String(format: "%.3f", median(single[i][m]) * 1e3), String(format: "%.3f", median(batch[i][m]) * 1e3),
                    ]
                }
                table.append(row)
                Output.err("scale: \(row.joined(separator: " "))\n")
            }
        }
        for n in featureCounts {
            for rows in rowCounts {
                let data = random(rows: rows + queries, features: n, density: density, seed: seed)
                try measure(data, name: density < 1 ? "random \(density)" : "random", trainRows: rows)
            }
        }
        for directory in directories {
            let data = try Dataset.load(directory, labels: .required)
            guard data.count > queries else {
                throw EvalError.data("\(directory): \(data.count) samples, scale needs more than --queries (\(queries))")
            }
            let name = directory.split(separator: "/").last.map(String.init) ?? directory
            try measure(data, name: name, trainRows: data.count - queries)
        }
        Output.out("\n" + BenchCommand.align(table))
    }

    static func median(_ values: [Double]) -> Double {
        let v = values.sorted()
        guard !v.isEmpty else { return .nan }
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }

    /// Random rows: features uniform in [0, 1), each non-zero with
    /// probability `density`; label distributions of 5 uniform values, normalized.
    static func random(rows: Int, features n: Int, density: Double, seed: UInt64) -> Dataset {
        var rng = SplitMix64(seed: seed ^ UInt64(truncatingIfNeeded: rows &* 1_000_003 &+ n))
        func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        var features = [Double](repeating: 0, count: rows * n)
        for i in 0..<features.count where density >= 1 || uniform() < density { features[i] = uniform() }
        var labels = [Double](repeating: 0, count: rows * labelCount)
        for r in 0..<rows {
            var sum = 0.0
            for j in 0..<labelCount {
                let v = uniform() + 1e-3
                labels[r * labelCount + j] = v
                sum += v
            }
            for j in 0..<labelCount { labels[r * labelCount + j] /= sum }
        }
        return Dataset(
            directory: "random", features: Matrix(rows: rows, columns: n, values: features),
            labels: Matrix(rows: rows, columns: labelCount, values: labels))
    }

    /// A comma-separated list of positive whole numbers.
    static func list(_ arguments: Arguments, _ name: String) throws -> [Int]? {
        guard let text = arguments.string(name) else { return nil }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let v = Int(part), v >= 1, v <= 100_000_000 else {
                throw EvalError.usage("option --\(name): \"\(part)\" is not a whole number from 1 to 100000000")
            }
            return v
        }
    }

    /// `all` or a comma-separated list of storage modes.
    static func storageModes(_ text: String) throws -> [StorageMode] {
        if text.lowercased() == "all" { return StorageMode.allCases }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { try StorageOption.parse($0) }
    }
}
