import Foundation
import LDLCore

/// `noise`: the label-noise benchmark of NEIGHBOURS.md F3.3 (kNet §4 for
/// LDL). Injects seeded transposition noise into a fraction of the rows,
/// then prints, per k, how well F3.1's leave-one-out score finds the rows
/// that changed (ROC AUC and average precision); with `--cv`, the
/// cross-validated accuracy of several methods trained on the noisy labels
/// and scored against the clean ones.
enum NoiseCommand {
    static let valued: Set<String> = [
        "data", "rate", "noise", "seed", "k", "method", "score", "bandwidth", "bandwidth-rule", "bandwidth-scale",
        "rows", "folds", "repeats",
    ]
    static let flags: Set<String> = ["cv"]

    static func run(_ arguments: Arguments) throws {
        let directory = try arguments.requiredString("data")
        guard let rate = try arguments.double("rate"), rate >= 0, rate <= 1 else {
            throw EvalError.usage(arguments.has("rate") ? "option --rate: expected a number from 0 to 1" : "option --rate is required")
        }
        let kind: NoiseInjection.Kind
        do { kind = try NoiseInjection.Kind.parse(try arguments.requiredString("noise")) } catch let e as LDLError {
            throw EvalError.usage("option --noise: " + e.message + (e.hint.map { ". " + $0 } ?? ""))
        }
        let seed = try arguments.uint64("seed") ?? 0
        let ks = try kList(arguments.string("k") ?? "1,5,15,41,101")
        let methodName = arguments.string("method") ?? "aaknn"
        let score: MetricKind
        do { score = try MetricKind.parse(arguments.string("score") ?? "kl") } catch {
            throw EvalError.usage("option --score: " + error.message + (error.hint.map { ". " + $0 } ?? ""))
        }
        var rule: BandwidthRule? = nil
        if let text = arguments.string("bandwidth-rule") {
            do { rule = try BandwidthRule.parse(text) } catch { throw EvalError.usage("option --bandwidth-rule: " + error.message) }
        }
        let bandwidth = try arguments.double("bandwidth")
        let scale = try arguments.double("bandwidth-scale") ?? KernelOptions.defaultScale
        if methodName.lowercased() != "kernel", bandwidth != nil || rule != nil || arguments.has("bandwidth-scale") {
            throw EvalError.usage("the bandwidth options apply to --method kernel only")
        }
        // The method and its parameters are checked before the data is read.
        do { _ = try LabelNoise.method(named: methodName, k: ks[0], bandwidth: bandwidth, rule: rule, scale: scale).validate() } catch {
            throw EvalError.usage("option --method: " + error.message + (error.hint.map { ". " + $0 } ?? ""))
        }
        let folds = try arguments.int("folds", in: 2...Int.max) ?? 5
        let repeats = try arguments.int("repeats", in: 1...1000) ?? 1
        if !arguments.has("cv"), arguments.has("folds") || arguments.has("repeats") {
            throw EvalError.usage("--folds and --repeats apply with --cv only")
        }

        var data = try Dataset.load(directory, labels: .required)
        if let rows = try arguments.int("rows", in: 2...Int.max), rows < data.count {
            data = subset(data, rows: rows, seed: seed)
        }
        guard let clean = data.labels else { throw EvalError.data("\(directory): labels.csv is needed") }
        let L = clean.columns
        let injected: NoiseInjection.Result
        do {
            injected = try NoiseInjection.inject(
                labels: clean.values, labelCount: L, rate: rate, kind: kind, seed: seed, features: data.features.values,
                featureCount: data.features.columns)
        } catch { throw EvalError.core(error, context: "noise") }
        var noisy = data
        noisy.labels = Matrix(rows: clean.rows, columns: L, values: injected.labels)
        let changed = injected.changed.filter { $0 }.count

        Output.out(
            "\(directory): \(data.count) samples, \(data.features.columns) features, \(L) labels; "
                + "\(kind.rawValue) noise at rate \(rate), seed \(seed): \(injected.chosen.count) rows chosen, \(changed) changed\n")
        Output.out("detection: leave-one-out \(methodName), score \(score.name) (larger = more suspicious)\n\n")
        let model = try noisy.model()
        let usesK = ["aaknn", "aa-knn", "aa_knn", "kernel"].contains(methodName.lowercased())
        var table = [["k", "AUC", "AP", "disagree", "precision", "seconds"]]
        for k in usesK ? ks : [LabelNoise.defaultK] {
            let label = usesK ? "\(k)" : "-"
            guard !usesK || k < data.count else {
                table.append([label, "skipped: needs more than k rows", "", "", "", ""])
                continue
            }
            let method: Method
            do {
                method = try LabelNoise.method(named: methodName, k: k, bandwidth: bandwidth, rule: rule, scale: scale)
            } catch { throw EvalError.usage("option --method: " + error.message + (error.hint.map { ". " + $0 } ?? "")) }
            let started = Output.now()
            let rows: [LabelNoiseRow]
            do { rows = try model.labelNoise(method: method, score: score) } catch {
                throw EvalError.core(error, context: "label noise, k \(k)")
            }
            let seconds = Output.now() - started
            // Keys are row numbers: the ranking is the rank order's keys.
            let ranking = rows.map { Int($0.key) }
            var scores = [Double](repeating: 0, count: data.count)
            for r in rows { scores[Int(r.key)] = r.score }
            let auc = Detection.auc(scores: scores, positives: injected.changed)
            let ap = Detection.averagePrecision(ranking: ranking, positives: injected.changed)
            let flagged = rows.filter(\.disagrees)
            let precision = flagged.isEmpty ? nil : Double(flagged.filter { injected.changed[Int($0.key)] }.count) / Double(flagged.count)
            table.append([
                label, auc.map { String(format: "%.4f", $0) } ?? "undefined", ap.map { String(format: "%.4f", $0) } ?? "undefined",
                "\(flagged.count)", precision.map { String(format: "%.4f", $0) } ?? "-", String(format: "%.2f", seconds),
            ])
        }
        Output.out(align(table))
        if changed == 0 { Output.out("\nno row changed: AUC and AP are undefined (noise rate 0, or only no-op transpositions)\n") }

        if arguments.has("cv") {
            Output.out("\n\(repeats) x \(folds)-fold cross-validation, trained on the noisy labels, scored on the clean ones\n")
            Output.out("mean ± std over the \(folds * repeats) folds (folds by key hash, key = row number)\n\n")
            let results = try crossValidate(noisy: noisy, clean: clean, ks: ks, folds: folds, repeats: repeats, seed: seed)
            var table = [["method"] + MetricKind.standard.map { $0.name + ($0.higherIsBetter ? " ↑" : " ↓") }]
            for r in results {
                table.append([r.name] + r.scores.map { values in
                    let (mean, std) = meanAndDeviation(values)
                    return String(format: "%.4f ± %.4f", mean, std)
                })
            }
            Output.out(align(table))
        }
    }

    /// `--k`: comma-separated whole numbers >= 1.
    static func kList(_ text: String) throws -> [Int] {
        var result: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let k = Int(part), k >= 1 else { throw EvalError.usage("option --k: \"\(part)\" is not a whole number of at least 1") }
            if !result.contains(k) { result.append(k) }
        }
        return result
    }

    /// A seeded random subset of `rows` rows, in file order (rows keep their new numbers as keys).
    static func subset(_ data: Dataset, rows: Int, seed: UInt64) -> Dataset {
        var order = Array(0..<data.count)
        var g = SplitMix64(seed: seed ^ 0x5EED)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(g.next() % UInt64(i + 1)))
        }
        let kept = order[0..<rows].sorted()
        return Dataset(directory: data.directory, features: data.features.rows(kept), labels: data.labels?.rows(kept))
    }

    /// The methods of the noisy-training table: the prior, AA-kNN at each
    /// k, kernel kNN (k-th and median bandwidth, the latter also gated to the
    /// prior), WUAKNN, UAKNN, and filtering (drop the 20% most suspicious
    /// training rows by F3.1 with AA-kNN k = 15, then AA-kNN k = 5).
    /// One method's per-fold means of the standard metrics.
    struct MethodScores {
        var name: String
        var scores: [[Double]]
    }

    static func meanAndDeviation(_ values: [Double]) -> (mean: Double, std: Double) {
        guard !values.isEmpty else { return (.nan, .nan) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, (ss / Double(values.count - 1)).squareRoot())
    }

    static func crossValidate(noisy: Dataset, clean: Matrix, ks: [Int], folds: Int, repeats: Int, seed: UInt64) throws
        -> [MethodScores]
    {
        guard folds <= noisy.count else { throw EvalError.usage("--folds is \(folds), expected at most \(noisy.count)") }
        var methods: [(name: String, method: Method?)] = [("prior", .prior)]
        for k in ks { methods.append(("aaknn k=\(k)", .aaknn(k: k))) }
        methods += [
            ("kernel k=32 kth", .kernel(k: 32)),
            ("kernel k=32 median 0.71", .kernel(KernelOptions(k: 32, rule: .median, scale: 0.71))),
            ("kernel k=32 median 0.71 + prior", .kernel(KernelOptions(k: 32, rule: .median, scale: 0.71, fallback: .prior))),
            ("wuaknn", .wuaknn()), ("uaknn", .uaknn()),
            ("filter 20% (k=15), aaknn k=5", nil),
        ]
        let kinds = MetricKind.standard
        let L = clean.columns
        var results = methods.map { MethodScores(name: $0.name, scores: Array(repeating: [], count: kinds.count)) }
        var progress = Progress(label: "noise cv", total: folds * repeats)
        defer { progress.finish() }
        for r in 0..<repeats {
            var parts = [[Int]](repeating: [], count: folds)
            for i in 0..<noisy.count {
                do {
                    parts[try Folds.fold(key: Int64(i), seed: seed, repeat: r, folds: folds)].append(i)
                } catch {
                    throw EvalError.core(error, context: "folds")
                }
            }
            for (f, test) in parts.enumerated() where !test.isEmpty {
                progress.update(done: r * folds + f, detail: "folds")
                var isTest = [Bool](repeating: false, count: noisy.count)
                for i in test { isTest[i] = true }
                let train = (0..<noisy.count).filter { !isTest[$0] }
                let model = try noisy.model(rows: train)
                let queries = noisy.features.rows(test).values
                for (m, entry) in methods.enumerated() {
                    let predictions: [Double]
                    do {
                        if let method = entry.method {
                            guard method.kValue.map({ $0 < train.count }) ?? true else { continue }
                            predictions = try model.predictBatch(queries, count: test.count, method: method)
                        } else {
                            let ranked = try model.labelNoise(method: .aaknn(k: min(15, train.count - 1)))
                            let dropped = Set(ranked.prefix(train.count / 5).map { Int($0.key) })
                            let filtered = try noisy.model(rows: train.filter { !dropped.contains($0) })
                            predictions = try filtered.predictBatch(queries, count: test.count, method: .aaknn(k: 5))
                        }
                    } catch let error as LDLError {
                        throw EvalError.core(error, context: "\(entry.name), repeat \(r + 1), fold \(f + 1)")
                    }
                    var sums = [Double](repeating: 0, count: kinds.count)
                    for (i, row) in test.enumerated() {
                        let truth = Array(clean.row(row))
                        let p = Array(predictions[(i * L)..<((i + 1) * L)])
                        for (k, kind) in kinds.enumerated() { sums[k] += try Metrics.value(kind, truth: truth, prediction: p) }
                    }
                    for k in 0..<kinds.count { results[m].scores[k].append(sums[k] / Double(test.count)) }
                }
            }
        }
        return results.filter { !$0.scores[0].isEmpty }
    }

    static func align(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows.map(\.count).max() ?? 0)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}

extension Method {
    /// The k of a neighbour method (nil when it has none).
    var kValue: Int? {
        switch self {
        case .aaknn(let k): return k
        case .kernel(let o): return o.k > 0 ? o.k : nil
        default: return nil
        }
    }
}
