import Testing

@testable import LDLCore

/// Layers of settings: a call's arguments over a model's options.
@Suite struct SettingsTests {
    static func settings(_ json: String) throws -> Settings {
        try Settings.options(try JSONValue.parse(json))
    }

    /// A tuned model's options hold a mixture with its weights; a call that
    /// names other members gets equal weights, not those.
    @Test func membersWithoutWeightsMeanEqualWeights() throws {
        let options = try Self.settings(
            #"{"method": "mix", "members": [{"method": "aaknn", "k": 5}, {"method": "prior"}], "weights": [0.75, 0.25]}"#)
        #expect(try options.method() == .mix([.aaknn(k: 5), .prior], weights: [0.75, 0.25]))
        let call = try Self.settings(#"{"members": [{"method": "aaknn", "k": 3}, {"method": "prior"}, {"method": "wuaknn"}]}"#)
        #expect(try options.overlaid(by: call).method() == .mix([.aaknn(k: 3), .prior, .wuaknn()]))
        // Weights alone reweigh the members below.
        let reweigh = try Self.settings(#"{"weights": [1, 1]}"#)
        #expect(try options.overlaid(by: reweigh).method() == .mix([.aaknn(k: 5), .prior], weights: [1, 1]))
    }
}
