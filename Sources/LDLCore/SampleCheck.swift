extension Model {
    /// Checks one sample against a model's shape without storing it: the
    /// checks `add` makes, for callers that validate rows before they reach a
    /// model (the table trigger). `featureCount` / `labelCount` nil: not
    /// fixed yet, any length of at least 1 (features) or 2 (labels) will do.
    /// `labelPolicy` is the model's; `key`, when given, is named in a label
    /// row's refusal.
    public static func checkSample(
        features: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
        featureCount: Int?, labelCount: Int?, labelPolicy: LabelPolicy = LabelPolicy(), key: Int64? = nil
    ) throws(LDLError) {
        if let n = featureCount {
            try Validation.checkLength(features.count, expected: n, what: "feature vector")
        } else if features.count < 1 {
            throw LDLError(.arrayShape, "feature vector is empty")
        }
        if let l = labelCount {
            try Validation.checkLength(labels.count, expected: l, what: "label vector")
        } else if labels.count < 2 {
            throw LDLError.invalid("label vector has \(labels.count) elements, expected at least 2")
        }
        try Validation.checkFinite(features, what: "feature vector")
        try labelPolicy.check(labels, key: key)
    }
}
