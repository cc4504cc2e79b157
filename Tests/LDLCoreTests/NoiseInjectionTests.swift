import Foundation
import Testing

@testable import LDLCore

/// NEIGHBOURS.md F3.3: seeded transposition noise, detection AUC / AP.
@Suite struct NoiseInjectionTests {
    static let data: (labels: [Double], features: [Double]) = {
        let (f, l) = Fixtures.sjaffe
        return (Array(l.joined()), Array(f.joined()))
    }()

    @Test func seededTranspositionsKeepDistributions() throws {
        let (labels, features) = Self.data
        for kind in NoiseInjection.Kind.allCases {
            let a = try NoiseInjection.inject(
                labels: labels, labelCount: 6, rate: 0.2, kind: kind, seed: 7, features: features, featureCount: 243)
            let b = try NoiseInjection.inject(
                labels: labels, labelCount: 6, rate: 0.2, kind: kind, seed: 7, features: features, featureCount: 243)
            let c = try NoiseInjection.inject(
                labels: labels, labelCount: 6, rate: 0.2, kind: kind, seed: 8, features: features, featureCount: 243)
            #expect(a == b, "\(kind): same seed, same noise")
            #expect(a.chosen != c.chosen, "\(kind): another seed, other rows")
            #expect(a.chosen.count == 43 && Set(a.chosen).count == 43, "round(0.2 x 213)")
            for i in 0..<213 {
                let old = Array(labels[(i * 6)..<((i + 1) * 6)])
                let new = Array(a.labels[(i * 6)..<((i + 1) * 6)])
                #expect(old.sorted() == new.sorted(), "\(kind) row \(i): a permutation")
                #expect(abs(new.reduce(0, +) - 1) < 1e-9)
                #expect(a.changed[i] == (old != new))
                if !a.chosen.contains(i) { #expect(old == new) }
                if old != new {
                    let diff = (0..<6).filter { old[$0] != new[$0] }
                    #expect(diff.count == 2 && diff.contains(Metrics.topLabel(old)), "a transposition of the top label")
                }
            }
            if kind != .uniform { #expect(a.changed.filter { $0 }.count == 43, "\(kind): every chosen row changes") }
        }
        let none = try NoiseInjection.inject(labels: labels, labelCount: 6, rate: 0, kind: .uniform, seed: 1)
        #expect(none.labels == labels && none.chosen.isEmpty)
        #expect(Detection.auc(scores: Array(repeating: 0.5, count: 213), positives: none.changed) == nil, "rate 0: undefined")
        let all = try NoiseInjection.inject(labels: labels, labelCount: 6, rate: 1, kind: .asymmetric, seed: 1)
        #expect(all.chosen.sorted() == Array(0..<213))
    }

    @Test func errors() {
        expectError(.invalidParameter, "rate") { _ = try NoiseInjection.inject(labels: [1, 0], labelCount: 2, rate: 1.5, kind: .uniform, seed: 0) }
        expectError(.invalidParameter, "asymmetric L 2") {
            _ = try NoiseInjection.inject(labels: [1, 0], labelCount: 2, rate: 1, kind: .asymmetric, seed: 0)
        }
        expectError(.invalidParameter, "semantic without features") {
            _ = try NoiseInjection.inject(labels: [1, 0], labelCount: 2, rate: 1, kind: .semantic, seed: 0)
        }
        expectError(.invalidParameter, "shape") { _ = try NoiseInjection.inject(labels: [1, 0, 0], labelCount: 2, rate: 1, kind: .uniform, seed: 0) }
        expectError(.invalidParameter, "kind") { _ = try NoiseInjection.Kind.parse("flip") }
    }

    @Test func semanticPartner() throws {
        // Label centroids 0: x=0, 1: x=10, 2: x=1 → 0 ↔ 2, 1 → 2.
        let labels: [Double] = [0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8]
        let r = try NoiseInjection.inject(
            labels: labels, labelCount: 3, rate: 1, kind: .semantic, seed: 3, features: [0, 10, 1], featureCount: 1)
        #expect(r.labels == [0.1, 0.1, 0.8, 0.1, 0.1, 0.8, 0.8, 0.1, 0.1])
    }

    @Test func detectionScores() {
        #expect(Detection.auc(scores: [0.9, 0.8, 0.1, 0.2], positives: [true, true, false, false]) == 1)
        #expect(Detection.auc(scores: [0.1, 0.2, 0.9, 0.8], positives: [true, true, false, false]) == 0)
        #expect(Detection.auc(scores: [0.5, 0.5, 0.5], positives: [true, false, false]) == 0.5, "ties count 1/2")
        #expect(Detection.auc(scores: [0.3, 0.7, 0.5, 0.1], positives: [true, false, true, false]) == 0.5)
        #expect(Detection.auc(scores: [1, 2], positives: [false, false]) == nil)
        // Ranking 2, 0, 1, 3 with positives {0, 3}: (1/2 + 2/4) / 2.
        #expect(Detection.averagePrecision(ranking: [2, 0, 1, 3], positives: [true, false, false, true]) == 0.5)
        #expect(Detection.averagePrecision(ranking: [0, 1], positives: [false, false]) == nil)
    }
}
