import Testing

@testable import LDLCore

/// The cross-validation engine (TUNING.md "Cross-validation folds") and tuning.
@Suite struct CrossValidationTests {
    typealias Row = (key: Int64, features: [Double], labels: [Double])

    /// SJAFFE rows with scrambled keys, added in a scrambled order.
    static func sjaffeRows(_ count: Int) -> [Row] {
        (0..<count).map { i in (Int64(i * 37 - 500), Fixtures.sjaffe.features[i], Fixtures.sjaffe.labels[i]) }
    }

    /// Small integer features with duplicated rows, so that distance ties
    /// must go to the lowest key in the fold models as in the shared scans.
    static func tiedRows() -> [Row] {
        var rng = TestRandom(17)
        var rows: [Row] = []
        for i in 0..<70 {
            var f = (0..<4).map { _ in Double(Int.random(in: -3...3, using: &rng)) }
            if i % 4 == 3, let earlier = rows.randomElement(using: &rng) { f = earlier.features }
            rows.append((Int64(i * 3 - 40), f, rng.distribution(3)))
        }
        return rows
    }

    static func model(_ rows: [Row], standardization: Standardization? = nil, shuffle seed: UInt64 = 9) throws -> Model {
        let model = try Model(
            featureCount: rows[0].features.count, labelCount: rows[0].labels.count, standardization: standardization)
        var rng = TestRandom(seed)
        for r in rows.shuffled(using: &rng) { try model.add(key: r.key, features: r.features, labels: r.labels) }
        return model
    }

    static let methods: [Method] = [
        .prior, .maxent(), .aaknn(k: 1), .aaknn(k: 3), .aaknn(k: 200), .kernel(k: 4), .kernel(k: 16, bandwidth: 0.7),
        .wuaknn(), .uaknn(), .uaknn(UAKNNOptions(temperature: 0.1)), .uaknn(UAKNNOptions(prototypes: false)),
        .uaknn(UAKNNOptions(mode: .sampled, seed: 5)), .uaknn(UAKNNOptions(normalization: .linear)),
        .mix([.kernel(k: 8), .maxent()], weights: [0.25, 0.75]),
        .mix([.mix([.aaknn(k: 2), .uaknn()]), .prior, .wuaknn()], weights: [1, 0, 2]),
    ]

    static var candidates: [Candidate] {
        methods.flatMap { [Candidate($0), Candidate($0, standardize: .zscore)] }
    }

    /// The shared-scan engine gives exactly what building each fold's model
    /// and calling `predictBatch` gives, for every method and standardization.
    @Test(arguments: [0, 1])
    func equalsNaivePerFoldModels(dataset: Int) throws {
        let rows = dataset == 0 ? Self.sjaffeRows(90) : Self.tiedRows()
        let model = try Self.model(rows)
        let options = CrossValidationOptions(folds: 4, repeats: 2, seed: 7)
        var observed: [String: [Double]] = [:]
        let scores = try model.crossValidate(
            Self.candidates, options: options, progress: { _ in }, isCancelled: { false },
            observe: { c, r, keys, p in observed["\(c) \(r) \(keys)"] = p })

        let sorted = rows.sorted { $0.key < $1.key }
        let l = rows[0].labels.count
        for (c, candidate) in Self.candidates.enumerated() {
            var sums = [Double](repeating: 0, count: 6)
            var foldMeans: [[Double]] = Array(repeating: [], count: 6)
            var n = 0
            for r in 0..<options.repeats {
                for f in 0..<options.folds {
                    let fold = try sorted.map { try Folds.fold(key: $0.key, seed: options.seed, repeat: r, folds: options.folds) }
                    let test = sorted.indices.filter { fold[$0] == f }.map { sorted[$0] }
                    let train = sorted.indices.filter { fold[$0] != f }.map { sorted[$0] }
                    guard !test.isEmpty else { continue }
                    let plain = try Self.model(train, shuffle: UInt64(f))
                    let trained = candidate.standardize == .zscore
                        ? try Self.model(train, standardization: try plain.fitStandardization(), shuffle: UInt64(r))
                        : plain
                    if candidate.json.contains("maxent") { trained.maxEntFit = try trained.fitMaxEnt() }
                    let expected = try trained.predictBatch(
                        test.flatMap(\.features), count: test.count, method: candidate.method)
                    let got = observed["\(c) \(r) \(test.map(\.key))"]
                    #expect(got == expected, "\(candidate), repeat \(r), fold \(f)")
                    var foldSums = [Double](repeating: 0, count: 6)
                    for (t, row) in test.enumerated() {
                        for (k, kind) in MetricKind.standard.enumerated() {
                            foldSums[k] += try Metrics.value(
                                kind, truth: row.labels, prediction: Array(expected[(t * l)..<((t + 1) * l)]))
                        }
                    }
                    for k in 0..<6 {
                        sums[k] += foldSums[k]
                        foldMeans[k].append(foldSums[k] / Double(test.count))
                    }
                    n += test.count
                }
            }
            let s = scores[c]
            #expect(s.failure == nil, "\(candidate): \(s.failure?.message ?? "")")
            #expect(s.n == n && n == rows.count * options.repeats)
            for k in 0..<6 {
                #expect(s.mean[k] == sums[k] / Double(n), "\(candidate) \(MetricKind.standard[k])")
                let m = foldMeans[k].reduce(0, +) / Double(foldMeans[k].count)
                let sd = (foldMeans[k].reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(foldMeans[k].count - 1)).squareRoot()
                #expect(abs(s.std[k] - sd) <= 1e-15, "\(candidate) std")
            }
        }
    }

    @Test func deterministicAndIndependentOfInsertionOrder() throws {
        let rows = Self.tiedRows()
        let candidates = [Candidate(.aaknn(k: 3)), Candidate(.uaknn(), standardize: .zscore), Candidate(.maxent())]
        let options = CrossValidationOptions(folds: 5, repeats: 2, seed: 3)
        let a = try Self.model(rows, shuffle: 1).crossValidate(candidates, options: options)
        let b = try Self.model(rows, shuffle: 2).crossValidate(candidates, options: options)
        for (x, y) in zip(a, b) {
            #expect(x.mean == y.mean && x.std == y.std && x.n == y.n)
        }
        // Another seed gives other folds.
        let c = try Self.model(rows).crossValidate(candidates, options: CrossValidationOptions(folds: 5, repeats: 2, seed: 4))
        #expect(c[0].mean != a[0].mean)
    }

    @Test func refusalsAndFailures() throws {
        let model = try Self.model(Self.tiedRows())
        expectError(.invalidParameter, "no candidates") { _ = try model.crossValidate([]) }
        expectError(.invalidParameter, "bad k") { _ = try model.crossValidate([Candidate(.aaknn(k: 0))]) }
        expectError(.invalidParameter, "1 fold") { _ = try model.crossValidate([Candidate(.prior)], options: .init(folds: 1)) }
        expectError(.invalidParameter, "too many folds") { _ = try model.crossValidate([Candidate(.prior)], options: .init(folds: 71)) }
        expectError(.invalidParameter, "0 repeats") { _ = try model.crossValidate([Candidate(.prior)], options: .init(repeats: 0)) }
        let standardized = try Self.model(Self.tiedRows(), standardization: try model.fitStandardization())
        expectError(.invalidParameter, "standardized") { _ = try standardized.crossValidate([Candidate(.prior)]) }
        let one = try Model(featureCount: 1, labelCount: 2)
        try one.add(key: 1, features: [1], labels: [0.5, 0.5])
        expectError(.notReady, "one row") { _ = try one.crossValidate([Candidate(.prior)]) }

        // Uniform labels: every prototype is empty, so UAKNN fails while the rest are scored.
        let uniform = try Model(featureCount: 2, labelCount: 2)
        for i in 0..<20 { try uniform.add(key: Int64(i), features: [Double(i), 1], labels: [0.5, 0.5]) }
        let scores = try uniform.crossValidate([Candidate(.uaknn()), Candidate(.aaknn()), Candidate(.mix([.prior, .wuaknn()]))])
        #expect(scores[0].failure?.kind == .notReady)
        #expect(scores[0].failure?.message.hasPrefix("repeat 1, fold ") == true)
        #expect(scores[0].mean.allSatisfy(\.isNaN) && scores[0].n == 0)
        #expect(scores[1].failure == nil && scores[1].n == 20 && scores[1].value(.kl) == 0)
        #expect(scores[2].failure != nil)
    }

    @Test func cancellationAndProgress() throws {
        let model = try Self.model(Self.sjaffeRows(120))
        for limit in [1, 3, 10, 40, 200] {
            var polls = 0
            expectError(.cancelled, "after \(limit) polls") {
                _ = try model.tune(
                    options: TuningOptions(crossValidation: CrossValidationOptions(folds: 3)),
                    isCancelled: {
                        polls += 1
                        return polls > limit
                    })
            }
        }
        var fractions: [Double] = []
        _ = try model.crossValidate(
            [Candidate(.kernel()), Candidate(.maxent()), Candidate(.uaknn(), standardize: .zscore)],
            options: CrossValidationOptions(folds: 3), progress: { fractions.append($0.fraction) })
        #expect(fractions.count > 6)
        #expect(fractions == fractions.sorted() && fractions.last == 1 && fractions.first ?? 1 < 0.5)
    }

    @Test func defaultGridOrder() {
        let grid = TuningGrid.standard()
        let names = grid.candidates.map(\.description)
        #expect(names.count == 28)
        #expect(names.prefix(5) == ["prior", "aaknn k=3", "aaknn k=3, zscore", "aaknn k=5", "aaknn k=5, zscore"])
        #expect(names[11...12] == ["kernel k=16", "kernel k=16, zscore"])
        #expect(names[19...20] == ["wuaknn", "wuaknn, zscore"])
        #expect(names[21...26] == [
            "uaknn", "uaknn, zscore", "uaknn temperature=0.1", "uaknn temperature=0.1, zscore",
            "uaknn temperature=0.02", "uaknn temperature=0.02, zscore",
        ])
        #expect(names[27] == "maxent")
        let mixes = grid.mixtures(of: Candidate(.kernel(k: 64), standardize: .zscore))
        #expect(mixes.map(\.description) == [
            "mix(0.25 kernel k=64, 0.75 maxent), zscore", "mix(0.5 kernel k=64, 0.5 maxent), zscore",
            "mix(0.75 kernel k=64, 0.25 maxent), zscore",
        ])
        #expect(mixes[0].json == #"{"method": "mix", "members": [{"method": "kernel", "k": 64}, {"method": "maxent"}], "weights": [0.25, 0.75], "standardize": "zscore"}"#)
        #expect(Candidate(.uaknn(UAKNNOptions(temperature: 0.02))).json == #"{"method": "uaknn", "temperature": 0.02}"#)
        #expect(Candidate(.uaknn(UAKNNOptions(mode: .sampled))).json == #"{"method": "uaknn", "mode": "sampled"}"#)
    }

    @Test func tuningPicksTheBestWithTiesToTheEarlier() throws {
        let model = try Self.model(Self.sjaffeRows(100))
        let options = TuningOptions(crossValidation: CrossValidationOptions(folds: 3, seed: 1))
        let result = try model.tune(options: options)
        #expect(result.leaderboard.count == 31)
        let ranked = result.leaderboard.compactMap { e in e.rank.map { ($0, e.scores.value(.kl) ?? .nan, e.gridIndex) } }
        #expect(ranked.count == 31)
        for (a, b) in zip(ranked, ranked.dropFirst()) {
            #expect(a.0 + 1 == b.0)
            #expect(a.1 < b.1 || (a.1 == b.1 && a.2 < b.2))
        }
        #expect(result.best == result.leaderboard[0].scores.candidate)
        // The mixtures are those of the best neighbour candidate, which is the
        // best of the grid's neighbour candidates.
        let neighbour = try #require(result.bestNeighbour)
        let grid = TuningGrid.standard()
        let mixtures = result.leaderboard.filter { $0.gridIndex >= 28 }.sorted { $0.gridIndex < $1.gridIndex }
        #expect(mixtures.map(\.scores.candidate) == grid.mixtures(of: neighbour))
        let neighbourScores = result.leaderboard.filter { $0.gridIndex < 28 && $0.scores.candidate.usesStandardization }
        let bestNeighbourKL = neighbourScores.compactMap { $0.scores.value(.kl) }.min()
        #expect(result.leaderboard.first { $0.scores.candidate == neighbour }?.scores.value(.kl) == bestNeighbourKL)
        // A mixture's scores equal the same mixture cross-validated on its own.
        let alone = try model.crossValidate([mixtures[1].scores.candidate], options: options.crossValidation)
        #expect(alone[0].mean == mixtures[1].scores.mean)
        // Higher-is-better metrics are maximized.
        let byCosine = try model.tune(
            grid: TuningGrid(candidates: [Candidate(.prior), Candidate(.aaknn()), Candidate(.maxent())]),
            options: TuningOptions(metric: .cosine))
        let cosines = byCosine.leaderboard.map { $0.scores.value(.cosine) ?? .nan }
        #expect(cosines == cosines.sorted(by: >))
        #expect(byCosine.best == byCosine.leaderboard[0].scores.candidate)
        #expect(byCosine.bestNeighbour == nil)
    }

    @Test func tiesGoToTheEarlierCandidate() throws {
        // Identical candidates tie exactly: the first one wins and ranks first.
        let model = try Self.model(Self.tiedRows())
        let same = [Candidate(.aaknn(k: 7)), Candidate(.aaknn(k: 7)), Candidate(.prior)]
        let result = try model.tune(grid: TuningGrid(candidates: same))
        let order = result.leaderboard.map(\.gridIndex)
        #expect(order.firstIndex(of: 0)! + 1 == order.firstIndex(of: 1)!)
        let inGrid = result.leaderboard.sorted { $0.gridIndex < $1.gridIndex }.map(\.scores)
        #expect(inGrid[0].mean == inGrid[1].mean)
        let expected = try #require(inGrid[0].value(.kl)) <= (try #require(inGrid[2].value(.kl))) ? 0 : 2
        #expect(Model.best([0, 1, 2], in: inGrid, .kl) == expected)
        #expect(result.best == same[expected] && result.leaderboard[0].gridIndex == expected)
        // Every candidate failing is an error.
        let uniform = try Model(featureCount: 2, labelCount: 2)
        for i in 0..<20 { try uniform.add(key: Int64(i), features: [Double(i), 1], labels: [0.5, 0.5]) }
        expectError(.notReady, "nothing evaluated") { _ = try uniform.tune(grid: TuningGrid(candidates: [Candidate(.wuaknn())])) }
    }

    /// A run stepped one unit at a time (budget 0) gives exactly the one-shot
    /// result, reports progress in order, and stays stopped after an error.
    @Test func steppedRunsEqualOneShot() throws {
        let model = try Self.model(Self.sjaffeRows(80))
        let options = CrossValidationOptions(folds: 3, repeats: 2, seed: 3)
        let whole = try model.crossValidate(Self.candidates, options: options)
        let run = try CrossValidationRun(model: model, candidates: Self.candidates, options: options)
        var steps = 0
        var fractions: [Double] = []
        while try !run.step(budget: 0, progress: { fractions.append($0.fraction) }) { steps += 1 }
        #expect(steps > 12)
        #expect(run.isDone)
        #expect(fractions == fractions.sorted() && fractions.last == 1)
        let stepped = run.results()
        for (a, b) in zip(whole, stepped) {
            #expect(a.candidate == b.candidate && a.n == b.n && a.mean == b.mean && a.std == b.std)
        }
        // Tuning, stepped.
        let tuneOptions = TuningOptions(crossValidation: CrossValidationOptions(folds: 3, seed: 1))
        let tuned = try model.tune(options: tuneOptions)
        let tuning = try TuningRun(model: model, options: tuneOptions)
        expectError(.internal, "result before done") { _ = try tuning.result() }
        while try !tuning.step(budget: 0) {}
        let result = try tuning.result()
        #expect(result.best == tuned.best)
        #expect(result.leaderboard.map(\.gridIndex) == tuned.leaderboard.map(\.gridIndex))
        #expect(result.leaderboard.map(\.scores.mean) == tuned.leaderboard.map(\.scores.mean))
        // A cancel stops the run for good.
        let cancelled = try CrossValidationRun(model: model, candidates: Self.candidates, options: options)
        _ = try cancelled.step(budget: 0)
        expectError(.cancelled, "cancelled") { while try !cancelled.step(budget: 0, isCancelled: { true }) {} }
        expectError(.internal, "after an error") { _ = try cancelled.step() }
    }
}
