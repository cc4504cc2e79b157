import Foundation
import Testing

@testable import LDLCore

@Suite struct MetricsVectorTests {
    @Test func everyCaseOfEveryKind() throws {
        let root = try Fixtures.json("metrics.json")
        let cases = try #require(root["cases"] as? [[String: Any]])
        #expect(cases.count >= 3)
        var checked = 0
        for (n, c) in cases.enumerated() {
            let truth = Fixtures.doubles(c["truth"])
            let prediction = Fixtures.doubles(c["prediction"])
            let expected = try #require(c["expected"] as? [String: Any])
            for (name, value) in expected {
                let kind = try MetricKind.parse(name)
                let want = try #require((value as? NSNumber)?.doubleValue)
                let got = try Metrics.value(kind, truth: truth, prediction: prediction)
                #expect(abs(got - want) <= 1e-12, "case \(n) \(name): \(got) vs \(want)")
                checked += 1
            }
            #expect(Set(expected.keys) == Set(Self.vectorKinds.map(\.name)), "case \(n) covers every kind")
        }
        #expect(checked == cases.count * Self.vectorKinds.count)
    }

    /// The kinds metrics.json covers: all but `top1` (NEIGHBOURS.md F4.2, tested below).
    static let vectorKinds = MetricKind.allCases.filter { $0 != .top1 }

    @Test func top1() throws {
        #expect(try Metrics.value(.top1, truth: [0.2, 0.2, 0.6], prediction: [0.5, 0.2, 0.3]) == 0)
        #expect(try Metrics.value(.top1, truth: [0.5, 0.5], prediction: [0.5, 0.5]) == 1)
        // Ties go to the lowest label on both sides.
        #expect(try Metrics.value(.top1, truth: [0.4, 0.4, 0.2], prediction: [0.5, 0.1, 0.4]) == 1)
        #expect(try Metrics.value(.top1, truth: [0.3, 0.4, 0.3], prediction: [0.3, 0.3, 0.4]) == 0)
        #expect(MetricKind.top1.higherIsBetter && MetricKind.allCases.last == .top1)
        #expect(try MetricKind.parse("TOP1") == .top1)
        // The eleven earlier kinds keep their order (their index crosses the C ABI).
        #expect(MetricKind.allCases.prefix(11).map(\.name) == [
            "chebyshev", "clark", "canberra", "kl", "cosine", "intersection", "euclidean", "sorensen",
            "squared_chi2", "fidelity", "js",
        ])
    }

    @Test func metricsRejectBadPairs() {
        expectError(.invalidParameter, "lengths") { _ = try Metrics.value(.kl, truth: [0.5, 0.5], prediction: [1]) }
        expectError(.arrayShape, "empty") { _ = try Metrics.value(.kl, truth: [], prediction: []) }
        expectError(.invalidParameter, "nan") { _ = try Metrics.value(.kl, truth: [.nan, 1], prediction: [0.5, 0.5]) }
        expectError(.invalidParameter, "negative") { _ = try Metrics.value(.kl, truth: [-0.5, 1.5], prediction: [0.5, 0.5]) }
    }
}

@Suite struct FocusedEvaluationTests {
    @Test func keepsPositionsAboveThresholdAndNormalizesWithBase2() throws {
        let truth = [0.5, 0.01, 0.3, 0.19]
        let prediction = [0.4, 0.3, 0.2, 0.1]
        let (x, y) = try truth.withUnsafeBufferPointer { a in
            try prediction.withUnsafeBufferPointer { b in try FocusedEvaluation.focus(truth: a, prediction: b) }
        }
        func softmax2(_ v: [Double]) -> [Double] {
            let e = v.map { pow(2, $0) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        expectClose(x, softmax2([0.5, 0.3, 0.19]), tolerance: 1e-15, "truth")
        expectClose(y, softmax2([0.4, 0.2, 0.1]), tolerance: 1e-15, "prediction")
        let d = try FocusedEvaluation.value(.chebyshev, truth: truth, prediction: prediction)
        let want = zip(x, y).map { abs($0 - $1) }.max() ?? -1
        #expect(abs(d - want) <= 1e-15)
        #expect(d > 0)
    }

    @Test func thresholdIsStrictAndConfigurable() throws {
        expectError(.invalidParameter, "nothing kept") {
            _ = try FocusedEvaluation.value(.kl, truth: [0.5, 0.5], prediction: [0.5, 0.5], threshold: 0.5)
        }
        expectError(.invalidParameter, "nan threshold") {
            _ = try FocusedEvaluation.value(.kl, truth: [0.5, 0.5], prediction: [0.5, 0.5], threshold: .nan)
        }
        let v = try FocusedEvaluation.value(.cosine, truth: [0.5, 0.5], prediction: [0.9, 0.1], threshold: 0.4)
        #expect(v < 1)
    }
}
