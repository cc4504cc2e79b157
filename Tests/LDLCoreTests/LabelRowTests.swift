import Testing

@testable import LDLCore

/// TUNING.md "Label rows as users have them".
@Suite struct LabelRowTests {
    func storedLabels(_ model: Model, _ index: Int) -> [Double] {
        Array(model.labels[(index * model.labelCount)..<((index + 1) * model.labelCount)])
    }

    @Test func roundedRowsAreAcceptedAndDivided() throws {
        let model = try Model(featureCount: 1, labelCount: 3)
        let rounded = [0.333334, 0.333334, 0.333334]  // sums to 1 + 2e-6, as published sets do
        try model.add(key: 1, features: [1], labels: rounded)
        let stored = storedLabels(model, 0)
        #expect(abs(stored.reduce(0, +) - 1) < 1e-15)
        #expect(stored == rounded.map { $0 / rounded.reduce(0, +) })
        // 1 within the tolerance either way.
        try model.add(key: 2, features: [2], labels: [0.5, 0.495, 0])
        try model.add(key: 3, features: [3], labels: [0.5, 0.505, 0])
        expectError(.invalidParameter, "sum 0.98") { try model.add(key: 4, features: [4], labels: [0.5, 0.48, 0]) }
    }

    @Test func rowsSummingToOneWithin1e9AreKeptAsGiven() throws {
        // 1/4 must stay exactly 1/4 (outside the prototype), which dividing by
        // a sum of 1 - 1e-12 would break.
        let row = [0.25, 0.5, 0.25 - 1e-12, 0]
        let model = try Model(featureCount: 1, labelCount: 4)
        try model.add(key: 1, features: [1], labels: row)
        #expect(storedLabels(model, 0) == row)
        #expect(model.prototypeKeys(label: 0).isEmpty)
        #expect(model.prototypeKeys(label: 1) == [1])
        // Exactly 1/L everywhere: untouched, every prototype empty.
        let third = 1.0 / 3
        let uniform = try Model(featureCount: 1, labelCount: 3)
        try uniform.add(key: 1, features: [1], labels: [third, third, third])
        #expect(storedLabels(uniform, 0) == [third, third, third])
        #expect(uniform.prototypeSizes == [0, 0, 0])
    }

    @Test func countsAndTruncatedRowsWithNormalize() throws {
        let policy = LabelPolicy(normalize: true)
        let model = try Model(featureCount: 1, labelCount: 3, labelPolicy: policy)
        try model.add(key: 1, features: [1], labels: [3, 1, 0])  // vote counts, values > 1
        try model.add(key: 2, features: [2], labels: [0.3, 0.27, 0])  // truncated, sums to 0.57
        #expect(storedLabels(model, 0) == [0.75, 0.25, 0])
        let s = 0.3 + 0.27
        #expect(storedLabels(model, 1) == [0.3 / s, 0.27 / s, 0])
        #expect(try model.predict([1], method: .aaknn(k: 1)) == [0.75, 0.25, 0])
        #expect(try policy.distribution([2, 2]) == [0.5, 0.5])
        // Signs and sums are still checked.
        expectError(.invalidParameter, "zero sum") { try model.add(key: 3, features: [3], labels: [0, 0, 0]) }
        expectError(.invalidParameter, "negative") { try model.add(key: 3, features: [3], labels: [2, -1, 0]) }
        expectError(.invalidParameter, "infinite") { try model.add(key: 3, features: [3], labels: [.infinity, 1, 0]) }
        expectError(.invalidParameter, "overflowing sum") {
            try model.add(key: 3, features: [3], labels: [.greatestFiniteMagnitude, .greatestFiniteMagnitude, 0])
        }
        #expect(model.count == 2)
    }

    @Test func refusalsNameTheKeySumAndOption() throws {
        let model = try Model(featureCount: 1, labelCount: 2)
        do {
            try model.add(key: 42, features: [1], labels: [0.3, 0.27])
            Issue.record("truncated row accepted")
        } catch {
            #expect(error.kind == .invalidParameter)
            #expect(error.message == "label vector of key 42 sums to 0.5700000000000001, expected 1 within 0.01 (label_tolerance; normalize_labels accepts any positive sum)")
            #expect(error.hint?.contains("normalize_labels") == true)
            #expect(error.hint?.contains("label_tolerance") == true)
        }
        do {
            try model.add(key: 7, features: [1], labels: [0.5, -0.5])
            Issue.record("negative value accepted")
        } catch {
            #expect(error.message == "label vector of key 7 element 2 is -0.5, expected a value of at least 0")
        }
        // A wider tolerance accepts the same row.
        let loose = try Model(featureCount: 1, labelCount: 2, labelPolicy: LabelPolicy(tolerance: 0.5))
        try loose.add(key: 42, features: [1], labels: [0.3, 0.27])
        expectError(.invalidParameter, "negative tolerance") {
            _ = try Model(featureCount: 1, labelCount: 2, labelPolicy: LabelPolicy(tolerance: -1))
        }
        expectError(.invalidParameter, "nan tolerance") {
            _ = try Model(featureCount: 1, labelCount: 2, labelPolicy: LabelPolicy(tolerance: .nan))
        }
    }

    @Test func checkSampleAppliesThePolicy() throws {
        func check(_ labels: [Double], _ policy: LabelPolicy, key: Int64? = nil) throws(LDLError) {
            try [1.0].withUnsafeBufferPointer { (f) throws(LDLError) in
                try labels.withUnsafeBufferPointer { (l) throws(LDLError) in
                    try Model.checkSample(
                        features: f, labels: l, featureCount: 1, labelCount: 2, labelPolicy: policy, key: key)
                }
            }
        }
        try check([0.5, 0.505], LabelPolicy())
        try check([5, 3], LabelPolicy(normalize: true))
        expectError(.invalidParameter, "counts") { try check([5, 3], LabelPolicy()) }
        do {
            try check([5, 3], LabelPolicy(), key: 9)
        } catch {
            #expect(error.message.hasPrefix("label vector of key 9 sums to 8.0"))
        }
    }
}
