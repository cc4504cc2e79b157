import Foundation
import Testing

@testable import LDLCore

@Suite struct TinyVectorTests {
    let root: [String: Any]
    let model: Model

    init() throws {
        root = try Fixtures.json("uaknn_tiny.json")
        let f = Fixtures.matrix(root["train_features"])
        let l = Fixtures.matrix(root["train_labels"])
        model = try Model(featureCount: 3, labelCount: 3)
        for i in f.indices { try model.add(key: Int64(i), features: f[i], labels: l[i]) }
    }

    @Test func prototypes() throws {
        let expected = try #require(root["prototypes"] as? [[Int]])
        for j in 0..<3 {
            #expect(model.prototypeKeys(label: j) == expected[j].map(Int64.init), "prototype \(j)")
        }
        #expect(model.prototypeKeys(label: 3).isEmpty)
        #expect(model.prototypeKeys(label: -1).isEmpty)
    }

    @Test func everyIntermediate() throws {
        let query = Fixtures.doubles(root["query"])
        let e = try model.explanation(query, options: UAKNNOptions())
        #expect(e.prototypes.map(\.label) == [0, 1, 2])
        let nearest = try #require(root["nearest"] as? [Int])
        #expect(e.prototypes.map(\.key) == nearest.map(Int64.init))
        expectClose(e.prototypes.map(\.mu), Fixtures.doubles(root["mu"]), tolerance: 1e-9, "mu")
        expectClose(e.prototypes.map(\.softmax), Fixtures.doubles(root["step1_softmax"]), tolerance: 1e-9, "softmax")
        expectClose(e.prototypes.map(\.s), Fixtures.doubles(root["S"]), tolerance: 1e-9, "S")
        expectClose(e.prototypes.map(\.c), Fixtures.doubles(root["c"]), tolerance: 1e-9, "c")
        expectClose(e.prototypes.map(\.w), Fixtures.doubles(root["w"]), tolerance: 1e-9, "w")
        expectClose(e.z, Fixtures.doubles(root["z"]), tolerance: 1e-9, "z")
        expectClose(e.prediction, Fixtures.doubles(root["prediction"]), tolerance: 1e-9, "prediction")
        // explain() gives the same prototypes; predict() the same prediction, bit for bit.
        #expect(try model.explain(query) == e.prototypes)
        #expect(try model.predict(query, method: .uaknn()) == e.prediction)
    }

    @Test func closedFormMatchesNumericalIntegration() {
        // E[clip(G,0,1)] by the trapezoid rule over the density, for a few (m, s).
        for (m, s) in [(0.3, 0.7), (0.9, 0.2), (-0.5, 1.3), (1.7, 0.4), (0.5, 0.01)] {
            let steps = 200_000
            let lo = m - 12 * s
            let hi = m + 12 * s
            let h = (hi - lo) / Double(steps)
            var sum = 0.0
            for i in 0...steps {
                let g = lo + Double(i) * h
                let density = exp(-0.5 * ((g - m) / s) * ((g - m) / s)) / (s * (2 * Double.pi).squareRoot())
                let weight = (i == 0 || i == steps) ? 0.5 : 1
                sum += weight * min(max(g, 0), 1) * density * h
            }
            #expect(abs(ClippedNormal.expectation(mean: m, sd: s) - sum) < 1e-6, "m=\(m) s=\(s)")
        }
    }
}

@Suite struct AblationExplanationTests {
    @Test func withoutPrototypesTheLNearestSamplesAreMatched() throws {
        let root = try Fixtures.json("uaknn_tiny.json")
        let f = Fixtures.matrix(root["train_features"])
        let l = Fixtures.matrix(root["train_labels"])
        let model = try Model(featureCount: 3, labelCount: 3)
        for i in f.indices { try model.add(key: Int64(i), features: f[i], labels: l[i]) }
        let query = Fixtures.doubles(root["query"])
        let e = try model.explanation(query, options: UAKNNOptions(prototypes: false))
        // The three largest cosines with the query, computed here directly.
        func cos(_ a: [Double], _ b: [Double]) -> Double {
            let d = zip(a, b).map(*).reduce(0, +)
            return d / (a.map { $0 * $0 }.reduce(0, +).squareRoot() * b.map { $0 * $0 }.reduce(0, +).squareRoot())
        }
        let ranked = f.indices.sorted { cos(f[$0], query) > cos(f[$1], query) }
        #expect(e.prototypes.map(\.key) == ranked.prefix(3).map(Int64.init))
        #expect(e.prototypes.map(\.label) == [0, 1, 2])
        expectClose(e.prototypes.map(\.mu), ranked.prefix(3).map { cos(f[$0], query) }, tolerance: 1e-12, "mu")
        // perturbation = false: every c is 0 and w = S.
        let p = try model.explain(query, options: UAKNNOptions(perturbation: false))
        #expect(p.allSatisfy { $0.c == 0 && $0.w == $0.s })
        let tiny = Fixtures.doubles(root["S"])
        expectClose(p.map(\.s), tiny, tolerance: 1e-9, "S unchanged")
        // Linear normalization: z / Σ z.
        let lin = try model.explanation(query, options: UAKNNOptions(normalization: .linear))
        let z = Fixtures.doubles(root["z"])
        let total = z.reduce(0, +)
        expectClose(lin.prediction, z.map { $0 / total }, tolerance: 1e-9, "linear")
    }
}
