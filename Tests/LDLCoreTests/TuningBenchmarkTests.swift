import Foundation
import Testing

@testable import LDLCore

/// Tuning on the real data sets: time, the leaderboard's top, and the
/// accuracy target (the tuned configuration matches or beats the better of
/// AA-kNN k = 5 and maxent in both KL and cosine). Runs only with
/// `UAKNN_BENCH=1`, in release:
/// `UAKNN_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter TuningBenchmark`.
/// Yeast_alpha and Movie are read from `$UAKNN_DATASETS`, or `../shared/datasets`
/// next to the repository (or its worktree parent), when present.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["UAKNN_BENCH"] == "1"))
struct TuningBenchmarkTests {
    static func directory(_ name: String) -> URL? {
        var roots: [URL] = []
        if let env = ProcessInfo.processInfo.environment["UAKNN_DATASETS"] { roots.append(URL(fileURLWithPath: env)) }
        let repo = Fixtures.testsDirectory.deletingLastPathComponent()
        roots.append(repo.deletingLastPathComponent().appendingPathComponent("shared/datasets"))
        roots.append(repo.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/datasets"))
        if name == "SJAFFE" { roots.insert(Fixtures.testsDirectory.appendingPathComponent("data"), at: 0) }
        return roots.map { $0.appendingPathComponent(name) }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("labels.csv").path) }
    }

    static func load(_ dir: URL) throws -> Model {
        func read(_ file: String) throws -> [[Double]] {
            try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                .split(whereSeparator: \.isNewline)
                .map { line in line.split(separator: ",").map { Double($0) ?? .nan } }
        }
        let x = try read("features.csv"), d = try read("labels.csv")
        let model = try Model(featureCount: x[0].count, labelCount: d[0].count)
        model.reserveCapacity(additional: x.count)
        for i in x.indices { try model.add(key: Int64(i), features: x[i], labels: d[i]) }
        return model
    }

    @Test(arguments: ["SJAFFE", "Yeast_alpha", "Movie"])
    func tuneRealData(name: String) throws {
        guard let dir = Self.directory(name) else {
            print("bench tune \(name): skipped, data set not found (set UAKNN_DATASETS)")
            return
        }
        let model = try Self.load(dir)
        let clock = ContinuousClock()
        var result: TuningResult? = nil
        let elapsed = try clock.measure { result = try model.tune() }
        let r = try #require(result)
        print("bench tune \(name) (\(model.count) x \(model.featureCount), \(model.labelCount) labels): \(elapsed)")
        for e in r.leaderboard.prefix(5) {
            let s = e.scores
            print("  \(e.rank ?? 0). \(s.candidate): kl \(s.value(.kl) ?? .nan), cosine \(s.value(.cosine) ?? .nan), \(s.seconds) s")
        }
        func score(_ c: Candidate) -> CandidateScores? { r.leaderboard.first { $0.scores.candidate == c }?.scores }
        let aa = try #require(score(Candidate(.aaknn(k: 5))))
        let me = try #require(score(Candidate(.maxent())))
        let best = r.leaderboard[0].scores
        print("  aaknn k=5: kl \(aa.value(.kl)!), cosine \(aa.value(.cosine)!); maxent: kl \(me.value(.kl)!), cosine \(me.value(.cosine)!)")
        #expect(best.value(.kl)! <= min(aa.value(.kl)!, me.value(.kl)!))
        #expect(best.value(.cosine)! >= max(aa.value(.cosine)!, me.value(.cosine)!))
        // A cancel in the middle of the run stops it within a second.
        if name == "Movie" {
            for after in [2.0, 7.0] {
                let start = clock.now
                var asked: ContinuousClock.Instant? = nil
                expectError(.cancelled, "cancel") {
                    _ = try model.tune(isCancelled: {
                        if asked == nil, clock.now - start > .seconds(after) { asked = clock.now }
                        return asked != nil
                    })
                }
                let latency = asked.map { clock.now - $0 } ?? .zero
                print("bench cancel Movie after \(after) s: stopped \(latency) later")
                #expect(latency < .seconds(1))
            }
        }
    }

    /// The grid on a 2,500-row x 243-feature model, and how fast a cancel stops it.
    @Test func syntheticTimingAndCancel() throws {
        var rng = TestRandom(8)
        let (rows, n, l) = (2500, 243, 6)
        let model = try Model(featureCount: n, labelCount: l)
        for i in 0..<rows {
            try model.add(
                key: Int64(i), features: (0..<n).map { _ in Double.random(in: -1...1, using: &rng) },
                labels: rng.distribution(l))
        }
        let clock = ContinuousClock()
        let elapsed = try clock.measure { _ = try model.tune() }
        print("bench tune synthetic \(rows) x \(n): \(elapsed)")
        #expect(elapsed < .seconds(60))
        // Cancel at several moments; the run must stop within a second.
        for after in [0.05, 0.2, 0.5] {
            let start = clock.now
            var asked: ContinuousClock.Instant? = nil
            do {
                _ = try model.tune(isCancelled: {
                    if asked == nil, clock.now - start > .seconds(after) { asked = clock.now }
                    return asked != nil
                })
            } catch {
                #expect(error.kind == .cancelled)
            }
            if let asked {
                let latency = clock.now - asked
                print("bench cancel after \(after) s: stopped \(latency) later")
                #expect(latency < .seconds(1))
            }
        }
    }
}
