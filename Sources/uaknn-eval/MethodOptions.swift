import LDLCore

/// `--method` and the prediction parameters of the command line, read through
/// the core's list of parameters (`Parameter.all`, the one declaration the SQL
/// functions follow too): an option is a parameter's name with dashes
/// (`--softmax-base`), its value is parsed as the parameter's type, and its
/// range and default are the core's, so the evaluator cannot drift from SQL.
/// Booleans are flags (`--prototypes`, `--no-prototypes`). A parameter that
/// none of the chosen methods reads is an error: `--k 10 --method uaknn` is far
/// more likely a mistake than an intent.
enum MethodOptions {
    /// The parameters taken here: all but `method` (`--method`), `seed` (the
    /// commands' own, since cv uses it for the folds too) and the label
    /// options (`LabelOptions`), `storage` (`StorageOption`) and the weight
    /// column (a table column): they build the model rather than a method.
    static let parameters = Parameter.all.filter {
        !["method", "seed", "normalize_labels", "label_tolerance", "storage", "weight_column"].contains($0.name)
    }

    /// A parameter's command-line name.
    static func option(_ p: Parameter) -> String {
        String(p.name.map { $0 == "_" ? "-" : $0 })
    }

    /// Valued parameter options, without `--`.
    static let valued = Set(parameters.filter { $0.type != .boolean }.map(option))
    /// Flag parameter options, without `--`.
    static let flags = Set(parameters.filter { $0.type == .boolean }.flatMap { [option($0), "no-" + option($0)] })

    static let allNames = ["uaknn", "wuaknn", "aaknn", "kernel", "prior", "maxent"]

    /// The method names of `--method`: one name, a comma-separated list, or
    /// `all` when `allowAll`. Aliases the core accepts (`aa-knn`, ...) are
    /// mapped to the canonical names.
    static func names(_ text: String, allowAll: Bool) throws -> [String] {
        if allowAll, text.lowercased() == "all" { return allNames }
        var result: [String] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name: String
            do {
                name = try Method.parseName(part).name
            } catch {
                let valid = allNames.joined(separator: ", ") + (allowAll ? ", all" : "")
                throw EvalError.usage("unknown method \"\(part)\" (valid: \(valid))")
            }
            if !result.contains(name) { result.append(name) }
        }
        return result
    }

    /// The value of parameter `p` given on the command line, or nil.
    static func value(_ p: Parameter, _ arguments: Arguments) throws -> ParameterValue? {
        let name = option(p)
        if p.type == .boolean {
            if arguments.has("no-" + name) { return .boolean(false) }
            return arguments.has(name) ? .boolean(true) : nil
        }
        guard let text = arguments.string(name) else { return nil }
        switch p.type {
        case .text: return .text(text)
        case .float8:
            guard let v = Double(text) else { throw EvalError.usage("option --\(name): \"\(text)\" is not a number") }
            return .number(v)
        case .integer, .bigint:
            guard let v = Int64(text) else { throw EvalError.usage("option --\(name): \"\(text)\" is not a whole number") }
            return .integer(v)
        case .jsonb:
            do { return .json(try JSONValue.parse(text)) } catch { throw usage(error, name) }
        case .float8Array:
            var values: [Double] = []
            for part in text.split(separator: ",") {
                guard let v = Double(part) else {
                    throw EvalError.usage("option --\(name): \"\(part)\" is not a number")
                }
                values.append(v)
            }
            return .numbers(values)
        case .boolean:
            return nil
        }
    }

    /// The configured candidates, in the order of `names`, each validated by
    /// the core, with the `--standardize` they apply under (`prior` and
    /// `maxent` do not depend on it: maxent z-scores with its training rows'
    /// statistics).
    static func methods(_ names: [String], arguments: Arguments, seed: UInt64) throws -> [(name: String, candidate: Candidate)] {
        var settings = Settings()
        var readers = Set(names)
        // A mixture's members are methods of their own, over these options
        // (`--k 10 --method mix` is every member's k unless it names one).
        if names.contains("mix") { readers.formUnion(Method.names) }
        for p in parameters {
            guard let v = try value(p, arguments) else { continue }
            do { try settings.set(p.name, v) } catch { throw usage(error, option(p)) }
            // A kernel's fallback reads the parameters of its own method too.
            if p.name == "fallback", names.contains("kernel"), case .text(let f) = v { readers.insert(f.lowercased()) }
        }
        for p in parameters where !p.methods.isEmpty && readers.isDisjoint(with: p.methods) {
            guard try value(p, arguments) != nil else { continue }
            throw EvalError.usage(
                "option --\(option(p)) does not apply to \(names.joined(separator: ", ")) "
                    + "(it is a parameter of \(p.methods.joined(separator: ", ")))")
        }
        do { try settings.set("seed", .integer(Int64(bitPattern: seed))) } catch { throw usage(error, "seed") }

        var result: [(name: String, candidate: Candidate)] = []
        for name in names {
            var s = settings
            let candidate: Candidate
            do {
                try s.set("method", .text(name))
                candidate = try s.candidate()
            } catch {
                throw usage(error, nil)
            }
            result.append((name, candidate))
        }
        return result
    }

    static func usage(_ error: LDLError, _ option: String?) -> EvalError {
        var text = error.message
        if let hint = error.hint { text += ". " + hint }
        return .usage(option.map { "option --\($0): " + text } ?? text)
    }
}
