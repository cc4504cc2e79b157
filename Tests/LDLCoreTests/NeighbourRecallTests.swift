import Foundation
import Testing

@testable import LDLCore

/// NEIGHBOURS.md F2.5: Recall@K of top labels.
@Suite struct NeighbourRecallTests {
    @Test func specCase() throws {
        let m = try LabelNoiseTests.model()
        let rows = try m.neighbourRecall(ks: [1, 2])
        #expect(rows.map(\.k) == [1, 2] && rows.allSatisfy { $0.rows == 3 && $0.skipped == 1 })
        #expect(rows[0].recall == 2.0 / 3, "key 4's nearest is key 3; key 2's tie goes to key 1")
        #expect(rows[1].recall == 1)
        #expect(try m.neighbourRecall().map(\.k) == [1, 2, 4, 8])
    }

    @Test func cosineAndEdges() throws {
        let m = try Model(featureCount: 2, labelCount: 2)
        // By cosine key 3 is nearest to key 1 (same direction), by Euclidean key 2 is.
        try m.add(key: 1, features: [1, 0], labels: [0.9, 0.1])
        try m.add(key: 2, features: [1, 1], labels: [0.1, 0.9])
        try m.add(key: 3, features: [5, 0.1], labels: [0.9, 0.1])
        try m.add(key: 4, features: [1, 1.2], labels: [0.1, 0.9])
        let e = try m.neighbourRecall(ks: [1], distance: .euclidean)
        let c = try m.neighbourRecall(ks: [1], distance: .cosine)
        // Euclidean: 1→2 miss, 2→4 hit, 3→1 hit (4.0 vs 4.1), 4→2 hit; cosine: 1→3, 2→4, 3→1, 4→2 all hit.
        #expect(e[0].recall == 0.75 && c[0].recall == 1)
        let lone = try Model(featureCount: 1, labelCount: 2)
        try lone.add(key: 1, features: [0], labels: [1, 0])
        #expect(try lone.neighbourRecall(ks: [1]) == [NeighbourRecallRow(k: 1, recall: nil, rows: 0, skipped: 1)])
        expectError(.invalidParameter, "no ks") { _ = try m.neighbourRecall(ks: []) }
        expectError(.invalidParameter, "k 0") { _ = try m.neighbourRecall(ks: [1, 0]) }
        expectError(.invalidParameter, "distance") { _ = try DistanceKind.parse("manhattan") }
        expectError(.notReady, "empty") { _ = try Model(featureCount: 1, labelCount: 2).neighbourRecall() }
        // A k beyond M − 1 means all other rows.
        #expect(try m.neighbourRecall(ks: [100])[0].recall == 1)
    }
}
