import PropertyBased
import Testing

@testable import LDLCore

/// Random shapes and values, valid and not: nothing traps, every failure is
/// an `LDLError` of the kind an independent oracle predicts, and every
/// success is a finite distribution.
@Suite struct PropertyTests {
    static let specials: [Double] = [
        0, -0.0, 1, -1, 0.5, 2, 1e-320, 1e308, -1e308, .greatestFiniteMagnitude, .nan, .infinity, -.infinity,
    ]

    /// A value: usually an ordinary number, sometimes a special one.
    static func value(_ rng: inout TestRandom) -> Double {
        Int.random(in: 0..<6, using: &rng) == 0
            ? specials.randomElement(using: &rng) ?? 0 : Double.random(in: -3...3, using: &rng)
    }

    /// A label vector: usually a distribution (often a peaked one, so that
    /// prototypes fill), sometimes broken in one of several ways.
    static func labels(_ l: Int, _ rng: inout TestRandom) -> [Double] {
        var d = rng.distribution(max(l, 1))
        if d.count != l { d = Array(d.prefix(l)) }
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: if !d.isEmpty { d[0] = .nan }
        case 1: d = d.map { $0 * 1.1 }
        case 2: if d.count > 1 { d[0] += 0.3; d[1] -= 0.3 }
        case 3: d.append(0)
        default: break
        }
        return d
    }

    static func isDistribution(_ d: [Double], _ l: Int) -> Bool {
        d.count == l && d.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 } && abs(d.reduce(0, +) - 1) <= 1e-6
    }

    static func method(_ rng: inout TestRandom, depth: Int = 0) -> Method {
        func pick(_ good: Double, _ bad: [Double]) -> Double {
            Int.random(in: 0..<8, using: &rng) == 0 ? bad.randomElement(using: &rng) ?? good : good
        }
        switch Int.random(in: 0..<(depth < 2 ? 6 : 5), using: &rng) {
        case 0, 1:
            return .uaknn(UAKNNOptions(
                variance: pick(Double.random(in: 0.01...2, using: &rng), [0, -1, .nan, .infinity]),
                samples: Int.random(in: 0..<8, using: &rng) == 0 ? Int.random(in: -2...0, using: &rng) : Int.random(in: 1...50, using: &rng),
                perturbationRatio: pick(Double.random(in: -1...1, using: &rng), [.nan, -.infinity]),
                softmaxBase: pick(Double.random(in: 1.01...10, using: &rng), [1, 0.5, .nan]),
                temperature: pick(Double.random(in: 0.01...3, using: &rng), [0, -1, .infinity]),
                mode: Bool.random(using: &rng) ? .expected : .sampled, seed: rng.next(),
                normalization: Bool.random(using: &rng) ? .softmax : .linear,
                prototypes: Int.random(in: 0..<4, using: &rng) != 0, perturbation: Bool.random(using: &rng)))
        case 2: return .wuaknn(softmaxBase: pick(2, [1, -3, .nan]))
        case 3: return .aaknn(k: Int.random(in: -1...8, using: &rng))
        case 4:
            return .kernel(
                k: Int.random(in: -1...8, using: &rng),
                bandwidth: Bool.random(using: &rng) ? nil : pick(Double.random(in: 0.1...3, using: &rng), [0, -1, .nan]))
        default:
            return .mix((0..<Int.random(in: 0...3, using: &rng)).map { _ in method(&rng, depth: depth + 1) })
        }
    }

    /// Whether `method`'s parameters are valid, decided independently of `validate()`.
    static func valid(_ m: Method) -> Bool {
        switch m {
        case .uaknn(let o):
            return o.variance.isFinite && o.variance > 0 && o.samples >= 1 && o.perturbationRatio.isFinite
                && o.softmaxBase.isFinite && o.softmaxBase > 1 && o.temperature.isFinite && o.temperature > 0
        case .wuaknn(let b): return b.isFinite && b > 1
        case .aaknn(let k): return k >= 1
        case .prior: return true
        case .kernel(let o):
            // k = 0 (all rows) needs a global bandwidth: here, a fixed one.
            let bandwidthOK = o.bandwidth.map { $0.isFinite && $0 > 0 } ?? true
            return bandwidthOK && (o.k >= 1 || (o.k == 0 && o.bandwidth != nil)) && o.rule == nil
                && o.fallback == .none
        case .maxent(let l2): return l2.isFinite && l2 > 0
        case .mix(let ms, _): return !ms.isEmpty && ms.allSatisfy(valid)
        }
    }

    static func normalizesLinearly(_ m: Method) -> Bool {
        switch m {
        case .uaknn(let o): return o.normalization == .linear
        case .mix(let ms, _): return ms.contains(where: normalizesLinearly)
        default: return false
        }
    }

    static func needsPrototypes(_ m: Method) -> Bool {
        switch m {
        case .uaknn(let o): return o.prototypes
        case .wuaknn: return true
        case .aaknn, .prior, .maxent: return false
        case .kernel(let o): return o.fallback.method.map(needsPrototypes) ?? false
        case .mix(let ms, _): return ms.contains(where: needsPrototypes)
        }
    }

    @Test func randomModelsAndQueries() async {
        var outcomes: [String: Int] = [:]
        await propertyCheck(count: 300, input: Gen.uint64(), Gen.int(in: 1...6), Gen.int(in: 0...5)) { seed, n, l in
            var rng = TestRandom(seed)
            let model: Model
            do {
                model = try Model(featureCount: n, labelCount: l)
                #expect(l >= 2, "label count \(l) accepted")
            } catch let error as LDLError {
                #expect(l < 2 && error.kind == .invalidParameter)
                return
            } catch {
                Issue.record("not an LDLError: \(error)")
                return
            }
            var stored: [Int64: Bool] = [:]
            var inPrototype = false
            for _ in 0..<Int.random(in: 0...25, using: &rng) {
                let key = Int64.random(in: 0...30, using: &rng)
                let features = (0..<(Int.random(in: 0..<12, using: &rng) == 0 ? n + 1 : n)).map { _ in Self.value(&rng) }
                let labels = Self.labels(Int.random(in: 0..<12, using: &rng) == 0 ? l - 1 : l, &rng)
                let ok = features.count == n && features.allSatisfy(\.isFinite) && Self.isDistribution(labels, l)
                    && stored[key] == nil
                do {
                    try model.add(key: key, features: features, labels: labels)
                    #expect(ok, "accepted \(features) \(labels)")
                    stored[key] = true
                    if labels.contains(where: { $0 > 1 / Double(l) }) { inPrototype = true }
                } catch let error as LDLError {
                    #expect(!ok && error.kind == .invalidParameter, "\(error.message)")
                } catch {
                    Issue.record("not an LDLError: \(error)")
                }
            }
            #expect(model.count == stored.count)
            for _ in 0..<4 {
                let query = (0..<(Int.random(in: 0..<10, using: &rng) == 0 ? n + 2 : n)).map { _ in Self.value(&rng) }
                let method = Self.method(&rng)
                let queryOK = query.count == n && query.allSatisfy(\.isFinite)
                let expectedKind: LDLError.Kind? =
                    !Self.valid(method) || !queryOK ? .invalidParameter
                    : model.count == 0 || (Self.needsPrototypes(method) && !inPrototype) ? .notReady : nil
                do {
                    let p = try model.predict(query, method: method)
                    outcomes["ok", default: 0] += 1
                    #expect(expectedKind == nil, "\(method) succeeded")
                    #expect(p.count == l)
                    #expect(p.allSatisfy { $0.isFinite && $0 >= -1e-15 }, "\(method): \(p)")
                    #expect(abs(p.reduce(0, +) - 1) < 1e-5, "\(method): \(p)")
                    let batch = try model.predictBatch(query + query, count: 2, method: method)
                    #expect(batch == p + p)
                } catch let error as LDLError {
                    outcomes["\(error.kind)", default: 0] += 1
                    // UAKNN's linear normalization refuses a weighted label sum
                    // of 0 (weights that all underflowed): data-dependent, so the
                    // oracle accepts it for a method that normalizes linearly.
                    let linearZero = expectedKind == nil && Self.normalizesLinearly(method)
                        && error.kind == .invalidParameter && error.message.contains("cannot normalize it linearly")
                    #expect(error.kind == expectedKind || linearZero, "\(method): \(error.message)")
                } catch {
                    Issue.record("not an LDLError: \(error)")
                }
            }
        }
        // The random inputs reach every outcome, many times.
        #expect(outcomes["ok", default: 0] > 100, "\(outcomes)")
        #expect(outcomes["invalidParameter", default: 0] > 50, "\(outcomes)")
        #expect(outcomes["notReady", default: 0] > 10, "\(outcomes)")
    }

    @Test func arbitraryQueryArraysNeverTrap() async throws {
        let model = try Fixtures.sjaffeModel(0..<40)
        let n = model.featureCount
        let specials = Self.specials
        await propertyCheck(
            count: 200, input: Gen.double(in: -1e6...1e6).array(of: 0...(n + 3)), Gen.int(in: 0...40).array(of: 1...8)
        ) { numbers, selectors in
            // Mostly the right length; some values replaced by special ones.
            var query = numbers.count % 3 == 0 ? Array((numbers + Array(repeating: 0.5, count: n)).prefix(n)) : numbers
            for (i, s) in selectors.enumerated() where s < specials.count && i * 37 % max(query.count, 1) < query.count {
                query[i * 37 % query.count] = specials[s]
            }
            let ok = query.count == n && query.allSatisfy(\.isFinite)
            for method: Method in [.uaknn(), .wuaknn(), .aaknn(), .kernel(), .uaknn(UAKNNOptions(mode: .sampled))] {
                do {
                    let p = try model.predict(query, method: method)
                    #expect(ok)
                    #expect(abs(p.reduce(0, +) - 1) < 1e-9)
                } catch let error as LDLError {
                    #expect(!ok && error.kind == .invalidParameter)
                } catch {
                    Issue.record("not an LDLError: \(error)")
                }
            }
        }
    }
}
