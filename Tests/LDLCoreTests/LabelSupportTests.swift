import Foundation
import Testing

@testable import LDLCore

/// NEIGHBOURS.md F4.1 (label support) and F4.2 (label split).
@Suite struct LabelSupportTests {
    /// keys 1–5: x=(0,0),(0,1) d=(0.8,0.1,0.1); x=(4,0),(4,1) d=(0.1,0.8,0.1); x=(1,0.5) d=(0.3,0.1,0.6).
    static func model() throws -> Model {
        let m = try Model(featureCount: 2, labelCount: 3)
        try m.add(key: 1, features: [0, 0], labels: [0.8, 0.1, 0.1])
        try m.add(key: 2, features: [0, 1], labels: [0.8, 0.1, 0.1])
        try m.add(key: 3, features: [4, 0], labels: [0.1, 0.8, 0.1])
        try m.add(key: 4, features: [4, 1], labels: [0.1, 0.8, 0.1])
        try m.add(key: 5, features: [1, 0.5], labels: [0.3, 0.1, 0.6])
        return m
    }

    @Test func specCase() throws {
        let rows = try Self.model().labelSupport(fewBelow: 2, k: 1)
        #expect(rows.map(\.label) == [0, 1, 2])
        let three = rows[2]
        #expect(three.rowsTop == 1 && three.prototypeSize == 1 && abs(three.softSupport - 1.0) <= 1e-12)
        #expect(three.split == .few && three.neighbours == [0])
        expectClose(three.distances ?? [], [1.0], tolerance: 1e-12)
        #expect(rows[0].rowsTop == 2 && rows[0].split == .medium && abs(rows[0].softSupport - 2.1) <= 1e-12)
        #expect(rows[1].rowsTop == 2 && rows[1].split == .medium && abs(rows[1].softSupport - 1.9) <= 1e-12)
        #expect(rows[0].neighbours == [2] && rows[1].neighbours == [2])
        expectClose(rows[0].distances ?? [], [1.0], tolerance: 1e-12)
        expectClose(rows[1].distances ?? [], [3.0], tolerance: 1e-12)
        #expect(rows[0].meanDistance == 1.0 && rows.allSatisfy { $0.looTop1Recall == nil && $0.looMAE == nil })

        let cosine = try Self.model().labelSupport(fewBelow: 2, k: 2, distance: .cosine)
        // A few label's neighbours are base labels only, nearest first.
        #expect(cosine[2].neighbours == [1, 0])
        expectClose(cosine[2].distances ?? [], [0.0570096664, 0.5527864045], tolerance: 1e-9)
    }

    @Test func fewBelowOneAndUniformRows() throws {
        let m = try Self.model()
        try m.add(key: 6, features: [2, 2], labels: [1.0 / 3, 1.0 / 3, 1.0 / 3])
        let rows = try m.labelSupport(fewBelow: 1, k: 5)
        #expect(rows.allSatisfy { $0.split != .few })
        // The uniform row's top label is label 1 (ties), yet it is in no prototype.
        #expect(rows[0].rowsTop == 3 && rows[0].prototypeSize == 2)
        #expect(!m.prototypeKeys(label: 0).contains(6) && !m.prototypeKeys(label: 1).contains(6))
        // Other labels: the k nearest of all other non-empty labels.
        #expect(rows[0].neighbours?.count == 2)
    }

    @Test func splitsAndEmptyLabels() throws {
        let m = try Model(featureCount: 1, labelCount: 4)
        for i in 0..<5 { try m.add(key: Int64(i), features: [Double(i)], labels: [0.7, 0.1, 0.1, 0.1]) }
        try m.add(key: 9, features: [9], labels: [0.1, 0.7, 0.1, 0.1])
        let rows = try m.labelSupport(fewBelow: 2, manyAbove: 4)
        #expect(rows.map(\.split) == [.many, .few, .empty, .empty])
        #expect(rows[2].neighbours == nil && rows[2].distances == nil && rows[2].meanDistance == nil)
        #expect(rows[1].neighbours == [0] && rows[0].neighbours == [1])
        let soft = try m.labelSupport(fewBelow: 2, manyAbove: 4, support: .soft)
        #expect(soft.map(\.split) == [.medium, .few, .few, .few], "soft: 3.6, 1.2, 0.6, 0.6")
        let proto = try m.labelSupport(support: .prototype)
        #expect(proto.map(\.prototypeSize) == [5, 1, 0, 0])
    }

    @Test func evaluate() throws {
        let m = try Self.model()
        let rows = try m.labelSupport(fewBelow: 2, k: 1, evaluate: .aaknn(k: 1))
        // LOO with k = 1: key 1 ← key 2, 2 ← 1, 3 ← 4, 4 ← 3, 5 ← 1 (distance 1.118 vs 1.118 to 2: tie → key 1).
        #expect(rows[0].looTop1Recall == 1 && rows[1].looTop1Recall == 1 && rows[2].looTop1Recall == 0)
        // Label 3: |0.1−0.1|×4 + |0.6−0.1| = 0.5 over 5 rows.
        #expect(abs((rows[2].looMAE ?? -1) - 0.1) <= 1e-12)
        #expect(abs((rows[0].looMAE ?? -1) - 0.5 / 5) <= 1e-12)
    }

    @Test func labelSplit() throws {
        let m = try Self.model()
        #expect(try m.labelSplit(truth: [0.2, 0.2, 0.6], fewBelow: 2) == .few)
        #expect(try m.labelSplit(truth: [0.5, 0.3, 0.2], fewBelow: 2) == .medium)
        #expect(try m.labelSplit(truth: [0.5, 0.3, 0.2]) == .few, "default few_below 20")
        #expect(try m.labelSplit(truth: [0.5, 0.3, 0.2], fewBelow: 0, manyAbove: 1) == .many)
        // The counts are cached per model version.
        try m.add(key: 6, features: [0, 3], labels: [0.1, 0.1, 0.8])
        #expect(try m.labelSplit(truth: [0.2, 0.2, 0.6], fewBelow: 2) == .medium)
        expectError(.invalidParameter, "length") { _ = try m.labelSplit(truth: [0.5, 0.5]) }
        expectError(.invalidParameter, "nan") { _ = try m.labelSplit(truth: [.nan, 0.5, 0.5]) }
        expectError(.invalidParameter, "few_below") { _ = try m.labelSplit(truth: [1, 0, 0], fewBelow: -1) }
        expectError(.invalidParameter, "many_above") { _ = try m.labelSplit(truth: [1, 0, 0], fewBelow: 20, manyAbove: 5) }
        expectError(.invalidParameter, "k") { _ = try m.labelSupport(k: 0) }
        expectError(.invalidParameter, "support") { _ = try LabelSupport.Kind.parse("votes") }
        expectError(.invalidParameter, "distance") { _ = try LabelSupport.Distance.parse("manhattan") }
        expectError(.notReady, "empty model") { _ = try Model(featureCount: 1, labelCount: 2).labelSupport() }
    }

    /// Measured in the spec: SJAFFE label 6 has 8 rows whose top label it is.
    @Test func sjaffeRareLabel() throws {
        let m = try Fixtures.sjaffeModel(0..<213)
        let rows = try m.labelSupport()
        #expect(rows[5].rowsTop == 8 && rows[5].split == .few)
        #expect(rows.reduce(0) { $0 + $1.rowsTop } == 213)
        #expect(rows[5].neighbours?.allSatisfy { rows[$0].split == .medium || rows[$0].split == .many } == true)
    }
}
