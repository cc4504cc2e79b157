import Foundation
import Testing

@testable import LDLCore

/// NEIGHBOURS.md G2 (focused scoring), G4 (prediction stats), G11 (prototype overlap).
@Suite struct DiagnosticsTests {
    @Test func focusedSpecCase() throws {
        let truth = [0.5, 0.49, 0.01]
        let prediction = [0.4, 0.3, 0.3]
        let (x, y) = try truth.withUnsafeBufferPointer { a in
            try prediction.withUnsafeBufferPointer { b in try FocusedEvaluation.focus(truth: a, prediction: b) }
        }
        expectClose(x, [0.5017328610, 0.4982671390], tolerance: 1e-9, "focused truth")
        expectClose(y, [0.5173217448, 0.4826782552], tolerance: 1e-9, "focused prediction")
        #expect(abs(try FocusedEvaluation.value(.kl, truth: truth, prediction: prediction) - 0.0004863389) <= 1e-9)
        #expect(abs(try FocusedEvaluation.value(.cosine, truth: truth, prediction: prediction) - 0.9995144440) <= 1e-9)
        let six = try FocusedEvaluation.standard(truth: truth, prediction: prediction)
        #expect(six.count == 6 && abs(six[3] - 0.0004863389) <= 1e-9 && abs(six[4] - 0.9995144440) <= 1e-9)
        for (i, kind) in MetricKind.standard.enumerated() {
            #expect(six[i] == (try FocusedEvaluation.value(kind, truth: truth, prediction: prediction)))
        }
        expectError(.invalidParameter, "no value above the threshold") {
            _ = try FocusedEvaluation.value(.kl, truth: [0.01, 0.01], prediction: [0.5, 0.5])
        }
        expectError(.invalidParameter, "no value above the threshold, six") {
            _ = try FocusedEvaluation.standard(truth: [0.5, 0.5], prediction: [0.5, 0.5], threshold: 0.5)
        }
        expectError(.invalidParameter, "threshold nan") {
            _ = try FocusedEvaluation.standard(truth: [0.5, 0.5], prediction: [0.5, 0.5], threshold: .nan)
        }
    }

    @Test func predictionStatsSpecCase() throws {
        var a = PredictionStats()
        #expect(a.meanEntropy == nil && a.meanVariance == nil && a.meanMax == nil)
        try a.add([0.5, 0.5])
        #expect(abs((a.meanEntropy ?? -1) - 0.6931471806) <= 1e-9 && a.meanVariance == 0 && a.meanMax == 0.5)
        var b = PredictionStats()
        try b.add([1, 0])
        #expect(b.meanEntropy == 0 && b.meanVariance == 0.25 && b.meanMax == 1)
        let both = a.combined(with: b)
        #expect(both.n == 2)
        #expect(abs((both.meanEntropy ?? -1) - 0.3465735903) <= 1e-9)
        #expect(both.meanVariance == 0.125 && both.meanMax == 0.75)
        var serial = PredictionStats()
        try serial.add([0.5, 0.5])
        try serial.add([1, 0])
        #expect(serial == both, "combining partial states equals one pass")
        expectError(.invalidParameter, "negative") { try serial.add([-0.1, 1.1]) }
        expectError(.arrayShape, "empty") { try serial.add([]) }
        #expect(serial.n == 2, "refused predictions are not counted")
    }

    @Test func prototypeOverlap() throws {
        let m = try Model(featureCount: 1, labelCount: 3)
        try m.add(key: 1, features: [0], labels: [0.8, 0.1, 0.1])  // 1 prototype
        try m.add(key: 2, features: [1], labels: [0.45, 0.45, 0.1])  // 2
        try m.add(key: 3, features: [2], labels: [1.0 / 3, 1.0 / 3, 1.0 / 3])  // none: uniform
        try m.add(key: 4, features: [3], labels: [0.35, 0.3, 0.35])  // 2
        let o = try m.prototypeOverlap()
        #expect(o == PrototypeOverlap(none: 1, one: 1, two: 2, threeOrMore: 0, memberships: 5, rows: 4))
        #expect(o.duplicationFactor == 1.25 && o.memberships == m.prototypeSizes.reduce(0, +))
        #expect(m.prototypeMembershipCount(key: 3) == 0 && m.prototypeMembershipCount(key: 2) == 2)
        #expect(m.prototypeMembershipCount(key: 99) == nil)
        let wide = try Model(featureCount: 1, labelCount: 8)
        try wide.add(key: 1, features: [0], labels: [0.2, 0.2, 0.2, 0.2, 0.2, 0, 0, 0])
        #expect(try wide.prototypeOverlap().threeOrMore == 1)
        // SJAFFE: the spec measured a duplication factor of 2.35.
        let s = try Fixtures.sjaffeModel(0..<213).prototypeOverlap()
        expectError(.cancelled) { _ = try m.prototypeOverlap(isCancelled: { true }) }
        #expect(abs(s.duplicationFactor - 2.35) < 0.01 && s.rows == 213)
    }
}
