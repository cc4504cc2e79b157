/// The command line after the subcommand: `--name value`, `--name=value` and
/// bare flags. Each subcommand declares which names it accepts, so a typo is an
/// error rather than a silently ignored option, and every value is parsed by
/// a typed accessor that names the option when the value is bad.
struct Arguments {
    /// Values of the valued options given, by name (without `--`).
    private var values: [String: String] = [:]
    /// Flags given.
    private var flags: Set<String> = []

    /// Parses `arguments`. `valued` and `flags` are the accepted names without
    /// the leading `--`. An option given twice is an error: with scripts
    /// assembling command lines, "last one wins" hides mistakes.
    init(_ arguments: ArraySlice<String>, valued: Set<String>, flags allowedFlags: Set<String>) throws {
        var i = arguments.startIndex
        while i < arguments.endIndex {
            let word = arguments[i]
            i += 1
            guard word.hasPrefix("--"), word.count > 2 else {
                throw EvalError.usage("unexpected argument \"\(word)\"")
            }
            var name = String(word.dropFirst(2))
            var inline: String? = nil
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if allowedFlags.contains(name) {
                guard inline == nil else { throw EvalError.usage("option --\(name) takes no value") }
                guard !flags.contains(name) else { throw EvalError.usage("option --\(name) given twice") }
                flags.insert(name)
            } else if valued.contains(name) {
                let value: String
                if let inline {
                    value = inline
                } else {
                    guard i < arguments.endIndex else { throw EvalError.usage("option --\(name) needs a value") }
                    value = arguments[i]
                    i += 1
                }
                guard values[name] == nil else { throw EvalError.usage("option --\(name) given twice") }
                values[name] = value
            } else {
                throw EvalError.usage("unknown option --\(name)")
            }
        }
    }

    /// Whether a flag or a valued option was given.
    func has(_ name: String) -> Bool { flags.contains(name) || values[name] != nil }

    /// The names given, valued and flags, for "does not apply" checks.
    var givenNames: Set<String> { flags.union(values.keys) }

    func string(_ name: String) -> String? { values[name] }

    func requiredString(_ name: String) throws -> String {
        guard let v = values[name] else { throw EvalError.usage("option --\(name) is required") }
        return v
    }

    /// A finite number.
    func double(_ name: String) throws -> Double? {
        guard let text = values[name] else { return nil }
        guard let v = Double(text), v.isFinite else {
            throw EvalError.usage("option --\(name): \"\(text)\" is not a finite number")
        }
        return v
    }

    /// A whole number in `range`.
    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let v = Int(text) else { throw EvalError.usage("option --\(name): \"\(text)\" is not a whole number") }
        guard range.contains(v) else {
            let upper = range.upperBound == Int.max ? "" : " to \(range.upperBound)"
            throw EvalError.usage("option --\(name) is \(v), expected \(range.lowerBound)\(upper)")
        }
        return v
    }

    /// An unsigned 64-bit number (seeds use the full range).
    func uint64(_ name: String) throws -> UInt64? {
        guard let text = values[name] else { return nil }
        guard let v = UInt64(text) else {
            throw EvalError.usage("option --\(name): \"\(text)\" is not a whole number from 0 to \(UInt64.max)")
        }
        return v
    }
}
