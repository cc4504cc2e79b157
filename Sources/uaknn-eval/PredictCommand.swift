import LDLCore

/// `predict`: train on one folder, print one distribution per row of another.
///
/// Values are printed with Swift's shortest round-trip representation, so that
/// reading them back gives exactly the doubles computed (the spec's vectors are
/// compared to 1e-9; nothing here may be lost to formatting).
enum PredictCommand {
    static let valued: Set<String> = MethodOptions.valued.union(LabelOptions.valued).union([
        "train", "test", "method", "seed", StorageOption.name,
    ])
    static let flags = MethodOptions.flags.union(LabelOptions.flags)

    static func run(_ arguments: Arguments) throws {
        let train = try arguments.requiredString("train")
        let testDirectory = try arguments.requiredString("test")
        let names = try MethodOptions.names(try arguments.requiredString("method"), allowAll: false)
        guard names.count == 1 else { throw EvalError.usage("predict takes one method, got \(names.count)") }
        if arguments.has("seed"), names != ["uaknn"] {
            throw EvalError.usage("option --seed does not apply to \(names[0]) (it is a parameter of uaknn)")
        }
        let seed = try arguments.uint64("seed") ?? UAKNNOptions().seed
        let candidate = try MethodOptions.methods(names, arguments: arguments, seed: seed)[0].candidate
        let method = candidate.method
        let policy = try LabelOptions.policy(arguments)
        let storage = try StorageOption.mode(arguments)

        let model = try Dataset.load(train, labels: .required).model(policy: policy, for: candidate, storage: storage)
        let test = try Dataset.load(testDirectory, labels: .optional)
        guard test.features.columns == model.featureCount else {
            throw EvalError.data(
                "\(Dataset.featuresPath(testDirectory)): \(test.features.columns) columns, "
                    + "but the training data (\(Dataset.featuresPath(train))) has \(model.featureCount)")
        }
        let predictions: [Double]
        do {
            predictions = try model.predictBatch(test.features.values, count: test.count, method: method)
        } catch {
            throw EvalError.core(error, context: "predict")
        }
        let L = model.labelCount
        var text = ""
        text.reserveCapacity(min(test.count, 4096) * L * 20)
        for r in 0..<test.count {
            for j in 0..<L {
                if j > 0 { text += "," }
                text += predictions[r * L + j].description
            }
            text += "\n"
            if text.utf8.count > 1 << 16 {
                Output.out(text)
                text.removeAll(keepingCapacity: true)
            }
        }
        Output.out(text)
    }
}
