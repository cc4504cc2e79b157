import LDLCore

/// `--storage auto|dense|sparse|float4`: the core's storage mode for the
/// models a command builds (default `auto`, as in the database).
enum StorageOption {
    static let name = "storage"

    static func mode(_ arguments: Arguments) throws -> StorageMode {
        guard let text = arguments.string(name) else { return .auto }
        return try parse(text)
    }

    /// A mode name, or a usage error naming the option and the valid names.
    static func parse(_ text: some StringProtocol) throws -> StorageMode {
        do {
            return try StorageMode.parse(text)
        } catch {
            throw EvalError.usage("option --\(name): " + error.message + (error.hint.map { ". " + $0 } ?? ""))
        }
    }

    /// "sparse (auto), 3.4 MB": the mode a model holds and its memory.
    static func describe(_ model: Model) -> String {
        let mode = model.requestedStorage == .auto ? "\(model.storageMode.name) (auto)" : model.storageMode.name
        return "\(mode), \(megabytes(model.memoryBytes)) MB held"
    }

    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + 500_000) / 1_000_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}
