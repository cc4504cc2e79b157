import Foundation
import Testing

@testable import LDLCore

/// Files of the test tree, found from this source file's path.
enum Fixtures {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: testsDirectory.appendingPathComponent("vectors/\(name)"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError.malformed(name)
        }
        return object
    }

    static func csv(_ path: String) throws -> [[Double]] {
        let text = try String(contentsOf: testsDirectory.appendingPathComponent(path), encoding: .utf8)
        return try text.split(whereSeparator: \.isNewline).map { line in
            try line.split(separator: ",").map { cell in
                guard let v = Double(cell.trimmingCharacters(in: .whitespaces)) else {
                    throw FixtureError.malformed(path)
                }
                return v
            }
        }
    }

    /// SJAFFE: 213 rows, 243 features, 6 labels.
    static let sjaffe: (features: [[Double]], labels: [[Double]]) = {
        let f = (try? csv("data/SJAFFE/features.csv")) ?? []
        let l = (try? csv("data/SJAFFE/labels.csv")) ?? []
        return (f, l)
    }()

    /// A model of rows `range` of SJAFFE, keyed by row number.
    static func sjaffeModel(_ range: Range<Int>) throws -> Model {
        let (f, l) = sjaffe
        let model = try Model(featureCount: f[0].count, labelCount: l[0].count)
        for i in range { try model.add(key: Int64(i), features: f[i], labels: l[i]) }
        return model
    }

    static func doubles(_ any: Any?) -> [Double] {
        (any as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } ?? []
    }

    static func matrix(_ any: Any?) -> [[Double]] {
        (any as? [Any])?.map { doubles($0) } ?? []
    }
}

enum FixtureError: Error { case malformed(String) }

/// Expects `actual` and `expected` equal element-wise within `tolerance`.
func expectClose(
    _ actual: [Double], _ expected: [Double], tolerance: Double, _ what: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(what()): lengths differ", sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        #expect(abs(a - e) <= tolerance, "\(what())[\(i)]: \(a) vs \(e)", sourceLocation: sourceLocation)
    }
}

/// A small deterministic generator for test data (the core's SplitMix64).
struct TestRandom: RandomNumberGenerator {
    var generator: SplitMix64
    init(_ seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }

    mutating func distribution(_ count: Int) -> [Double] {
        let raw = (0..<count).map { _ in Double.random(in: 0...1, using: &self) }
        let sum = raw.reduce(0, +)
        return sum > 0 ? raw.map { $0 / sum } : [1] + Array(repeating: 0, count: count - 1)
    }
}

/// Expects `body` to throw an `LDLError` of `kind`.
func expectError(
    _ kind: LDLError.Kind, _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("\(what): expected \(kind) error, got none", sourceLocation: sourceLocation)
    } catch let error as LDLError {
        #expect(error.kind == kind, "\(what): \(error.message)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        #expect(error.message.first?.isUppercase != true, "message not lower-case: \(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(what): expected an LDLError, got \(error)", sourceLocation: sourceLocation)
    }
}
