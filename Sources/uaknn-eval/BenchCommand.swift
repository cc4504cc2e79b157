import Foundation
import LDLCore

/// `bench`: per-query latency of each method, single and batched, next to
/// NumPy doing the bare linear algebra of one pass over the same matrix.
///
/// The comparison is the issue's yardstick: an exact k-NN query has to read the
/// whole training matrix once, so NumPy's float64 matrix-vector product over
/// that matrix is the memory-bandwidth floor for a single query, and its
/// matrix-matrix product the floor for a batch. Both sides use the same split
/// (train: all rows but the last `--queries`; queries: those rows) and the same
/// timing rule (median over rounds of round time / queries, after a warm-up).
///
/// The batched scan is compute-bound, so the CPU target matters: SwiftPM's
/// default x86-64 build emits SSE2 only (two doubles an instruction, no FMA),
/// while NumPy's OpenBLAS picks AVX-512 kernels at run time. For a like-for-like
/// figure on the machine at hand build with, e.g.,
/// `swift build -c release --product uaknn-eval -Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell`.
enum BenchCommand {
    static let valued: Set<String> = MethodOptions.valued.union(LabelOptions.valued).union([
        "data", "queries", "rounds", "method", "seed", "python", "numpy-script", StorageOption.name,
    ])
    static let flags = MethodOptions.flags.union(LabelOptions.flags).union(["no-numpy", "cpu-time"])

    /// The clock of the timings: wall time, or the thread's CPU time with `--cpu-time`.
    nonisolated(unsafe) static var clock: () -> Double = Output.now

    struct Timing {
        var name: String
        var single: Double
        var batch: Double
    }

    static func run(_ arguments: Arguments) throws {
        let directory = try arguments.requiredString("data")
        let requestedQueries = try arguments.int("queries", in: 1...1_000_000) ?? 64
        let rounds = try arguments.int("rounds", in: 1...10_000) ?? 5
        let seed = try arguments.uint64("seed") ?? UAKNNOptions().seed
        let names = try MethodOptions.names(arguments.string("method") ?? "all", allowAll: true)
        let methods = try MethodOptions.methods(names, arguments: arguments, seed: seed)
        let policy = try LabelOptions.policy(arguments)
        let storage = try StorageOption.mode(arguments)
        let useNumPy = !arguments.has("no-numpy")
        if !useNumPy, arguments.has("python") || arguments.has("numpy-script") {
            throw EvalError.usage("--python and --numpy-script do not apply with --no-numpy")
        }
        if arguments.has("cpu-time") {
            // NumPy's figures are wall time (and use 2 threads): no like-for-like ratio.
            guard !useNumPy else { throw EvalError.usage("--cpu-time needs --no-numpy") }
            clock = Output.threadCPUTime
        }
        // Found before the long Swift part, so a missing script fails fast.
        let script = useNumPy ? try NumPyReference.locateScript(explicit: arguments.string("numpy-script")) : nil

        var loadStart = Output.now()
        let data = try Dataset.load(directory, labels: .required)
        let loadSeconds = Output.now() - loadStart
        guard data.count >= 2 else { throw EvalError.data("\(directory): bench needs at least 2 samples") }
        let queries = min(requestedQueries, data.count - 1)
        let trainRows = data.count - queries
        loadStart = Output.now()
        let model = try data.model(rows: Array(0..<trainRows), policy: policy, storage: storage)
        let buildSeconds = Output.now() - loadStart
        // Standardized and maxent candidates predict from a model prepared
        // for them (statistics, fit), made before any timing.
        var prepared: [Model] = []
        for entry in methods {
            let c = entry.candidate
            let plain = c.standardize == .none && Dataset.maxEntL2(c.method) == nil
            prepared.append(plain ? model : try data.model(rows: Array(0..<trainRows), policy: policy, for: c))
        }
        let queryMatrix = data.features.rows(Array(trainRows..<data.count))

        Output.out(
            "\(directory): \(data.count) samples, \(data.features.columns) features, \(model.labelCount) labels "
                + "(read in \(fixed(loadSeconds, 2)) s, model built in \(fixed(buildSeconds, 2)) s)\n")
        Output.out(
            "model: the first \(trainRows) rows; queries: the last \(queries); median of \(rounds) rounds after a warm-up\n")
        Output.out("storage: \(StorageOption.describe(model))\n")
        if arguments.has("cpu-time") { Output.out("times: CPU time of the predicting thread\n") }
        Output.flush()

        var timings: [Timing] = []
        var progress = Progress(label: "bench", total: methods.count)
        for (i, entry) in methods.enumerated() {
            progress.update(done: i, detail: "methods (\(entry.name))")
            timings.append(try time(prepared[i], queryMatrix, entry.name, entry.candidate.method, rounds: rounds))
        }
        progress.finish()

        var reference: NumPyReference? = nil
        if let script {
            let python = arguments.string("python") ?? "python3"
            reference = try NumPyReference.run(
                python: python, script: script, data: directory, queries: queries, rounds: rounds)
            if let r = reference, r.rows != trainRows || r.columns != model.featureCount {
                throw EvalError.data("the NumPy reference used a \(r.rows) × \(r.columns) matrix, expected \(trainRows) × \(model.featureCount)")
            }
        }
        Output.out(report(timings, reference))
    }

    /// Times single predictions (one `predict` per query) and one `predictBatch`
    /// of all queries; per-query seconds, median over rounds.
    static func time(
        _ model: Model, _ queries: Matrix, _ name: String, _ method: Method, rounds: Int, warmUp: Bool = true
    ) throws -> Timing {
        let n = queries.columns, L = model.labelCount, count = queries.rows
        var out = [Double](repeating: 0, count: count * L)
        func single() throws {
            try queries.values.withUnsafeBufferPointer { q in
                try out.withUnsafeMutableBufferPointer { o in
                    for r in 0..<count {
                        try model.predict(
                            UnsafeBufferPointer(rebasing: q[(r * n)..<((r + 1) * n)]), method: method,
                            into: UnsafeMutableBufferPointer(rebasing: o[(r * L)..<((r + 1) * L)]))
                    }
                }
            }
        }
        func batch() throws {
            try queries.values.withUnsafeBufferPointer { q in
                try out.withUnsafeMutableBufferPointer { o in
                    try model.predictBatch(q, count: count, method: method, into: o, isCancelled: { false })
                }
            }
        }
        do {
            return Timing(
                name: name, single: try medianPerQuery(single, count, rounds, warmUp: warmUp),
                batch: try medianPerQuery(batch, count, rounds, warmUp: warmUp))
        } catch let error as LDLError {
            throw EvalError.core(error, context: name)
        }
    }

    static func medianPerQuery(_ work: () throws -> Void, _ count: Int, _ rounds: Int, warmUp: Bool = true) throws
        -> Double
    {
        if warmUp { try work() }
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = clock()
            try work()
            times.append((clock() - start) / Double(count))
        }
        times.sort()
        let m = times.count / 2
        return times.count % 2 == 1 ? times[m] : (times[m - 1] + times[m]) / 2
    }

    static func report(_ timings: [Timing], _ reference: NumPyReference?) -> String {
        var rows: [[String]] = [["method", "single ms/query", "batch ms/query", "single / matvec", "batch / matmul"]]
        for t in timings {
            var row = [t.name, fixed(t.single * 1e3, 3), fixed(t.batch * 1e3, 3)]
            if let r = reference {
                row += [fixed(t.single / r.matvecSecondsPerQuery, 2) + "×", fixed(t.batch / r.matmulSecondsPerQuery, 2) + "×"]
            } else {
                row += ["-", "-"]
            }
            rows.append(row)
        }
        if let r = reference {
            rows.append(["numpy", fixed(r.matvecSecondsPerQuery * 1e3, 3), fixed(r.matmulSecondsPerQuery * 1e3, 3), "1.00×", "1.00×"])
            if let v = r.matvecOneThread, let m = r.matmulOneThread {
                rows.append([
                    "numpy, 1 thread", fixed(v * 1e3, 3), fixed(m * 1e3, 3),
                    fixed(v / r.matvecSecondsPerQuery, 2) + "×", fixed(m / r.matmulSecondsPerQuery, 2) + "×",
                ])
            }
        }
        var text = "\n" + align(rows)
        if let r = reference {
            text += "\nnumpy \(r.numpyVersion) (\(r.blas ?? "BLAS unknown: install threadpoolctl to see it")), "
                + "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset: single = train @ q, batch = train @ Q.T; "
                + "uaknn-eval predicts on one thread\n"
            if let u = timings.first(where: { $0.name == "uaknn" }) {
                let s = u.single / r.matvecSecondsPerQuery, b = u.batch / r.matmulSecondsPerQuery
                text += "target (uaknn within 2× of numpy): single \(fixed(s, 2))× \(s <= 2 ? "met" : "NOT met"), "
                    + "batch \(fixed(b, 2))× \(b <= 2 ? "met" : "NOT met")\n"
            }
        }
        return text
    }

    static func align(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { row in
            row.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return i == 0 ? c + pad : pad + c
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}
