/// One value of a declared parameter (`Parameters.swift`), of its type.
public enum ParameterValue: Sendable, Equatable {
    case text(String)
    case number(Double)
    case integer(Int64)
    case boolean(Bool)
    case json(JSONValue)
    case numbers([Double])
}

/// Named parameter values, checked against their declarations as they are
/// set: a model's options, a call's arguments, a candidate of tuning. Layers
/// combine with `overlaid(by:)` (a call's arguments over the model's
/// options), and `method()` builds the predictor they describe.
public struct Settings: Sendable, Equatable {
    public private(set) var values: [String: ParameterValue] = [:]

    public init() {}

    /// Sets a parameter, checking its name, type and range. `source` names
    /// where values come from in messages ("model option", "argument").
    public mutating func set(_ name: String, _ value: ParameterValue) throws(LDLError) {
        guard let p = Parameter.named(name) else {
            throw LDLError.invalid(
                "unknown model option \"\(name)\"", hint: "Valid options are: \(Parameter.namesList).")
        }
        try Self.check(p, value)
        values[p.name] = value
    }

    /// Settings from a JSON object of options (a model's `options`, a
    /// candidate, a mixture member).
    public static func options(_ json: JSONValue) throws(LDLError) -> Settings {
        guard case .object(let members) = json else {
            throw LDLError.invalid("model options must be a JSON object, not \(json.typeName)")
        }
        var s = Settings()
        for (key, value) in members {
            // Names as spelled in the reference only: the catalog's SQL reads
            // options by exact key (options ->> 'weight_column'), and a key it
            // did not see would bypass its checks.
            guard let p = Parameter.named(key), p.name == key else {
                throw LDLError.invalid(
                    "unknown model option \"\(key)\"", hint: "Valid options are: \(Parameter.namesList).")
            }
            try s.set(p.name, try Self.value(of: p, from: value))
        }
        return s
    }

    /// These settings with `other`'s values in place of theirs. A bandwidth
    /// and a bandwidth rule are one choice: a layer that gives one of them
    /// replaces the other's value below it (a call's `bandwidth => 0.5`
    /// means the fixed rule even when the model's options say `median`).
    /// Likewise a layer's `members` without `weights` means equal weights,
    /// not the weights below, which were for other members (a tuned model's
    /// options hold a mixture's weights).
    public func overlaid(by other: Settings) -> Settings {
        var s = self
        if other.values["bandwidth"] != nil, other.values["bandwidth_rule"] == nil { s.values["bandwidth_rule"] = nil }
        if other.values["bandwidth_rule"] != nil, other.values["bandwidth"] == nil { s.values["bandwidth"] = nil }
        if other.values["members"] != nil, other.values["weights"] == nil { s.values["weights"] = nil }
        for (k, v) in other.values { s.values[k] = v }
        return s
    }

    /// These settings without the named ones.
    public func removing(_ names: [String]) -> Settings {
        var s = self
        for n in names { s.values[n] = nil }
        return s
    }

    public func text(_ name: String) -> String? {
        if case .text(let v)? = values[name] { return v }
        return nil
    }

    public func number(_ name: String) -> Double? {
        if case .number(let v)? = values[name] { return v }
        return nil
    }

    public func integer(_ name: String) -> Int64? {
        if case .integer(let v)? = values[name] { return v }
        return nil
    }

    public func boolean(_ name: String) -> Bool? {
        if case .boolean(let v)? = values[name] { return v }
        return nil
    }

    public func json(_ name: String) -> JSONValue? {
        if case .json(let v)? = values[name] { return v }
        return nil
    }

    public func numbers(_ name: String) -> [Double]? {
        if case .numbers(let v)? = values[name] { return v }
        return nil
    }

    /// A JSON option's value as the declared type wants it.
    static func value(of p: Parameter, from json: JSONValue) throws(LDLError) -> ParameterValue {
        func wrongType() -> LDLError {
            LDLError.invalid("model option \"\(p.name)\" must be a JSON \(p.type.jsonType), not \(json.text)")
        }
        switch (p.type, json) {
        case (.text, .string(let s)): return .text(s)
        case (.float8, .number(let x, _)): return .number(x)
        case (.integer, .number(let x, let text)), (.bigint, .number(let x, let text)):
            if let v = Int64(text) { return .integer(v) }
            guard x == x.rounded(), x.magnitude < 9.2e18 else {
                throw LDLError.invalid("model option \"\(p.name)\" is \(text), expected a whole number")
            }
            return .integer(Int64(x))
        case (.boolean, .bool(let b)): return .boolean(b)
        case (.jsonb, _): return .json(json)
        case (.float8Array, .array(let items)):
            var out: [Double] = []
            for item in items {
                guard case .number(let x, _) = item else { throw wrongType() }
                out.append(x)
            }
            return .numbers(out)
        default:
            throw wrongType()
        }
    }

    /// The declared range; messages name the value and what was expected.
    static func check(_ p: Parameter, _ value: ParameterValue) throws(LDLError) {
        let typeMatches: Bool
        switch (p.type, value) {
        case (.text, .text), (.float8, .number), (.integer, .integer), (.bigint, .integer), (.boolean, .boolean),
            (.jsonb, .json), (.float8Array, .numbers):
            typeMatches = true
        default:
            typeMatches = false
        }
        guard typeMatches else {
            throw LDLError(.internal, "parameter \(p.name) is declared \(p.type.rawValue) but was given \(value)")
        }
        switch (p.range, value) {
        case (.finite, .number(let x)):
            guard x.isFinite else { throw LDLError.invalid("\(p.name) is \(x), expected a finite number") }
        case (.greater(let bound), .number(let x)):
            guard x.isFinite, x > bound else {
                throw LDLError.invalid(
                    "\(p.name) is \(x), expected a finite number greater than \(Parameter.plain(bound))")
            }
        case (.atLeast(let bound), .number(let x)):
            guard x.isFinite, x >= bound else {
                throw LDLError.invalid(
                    "\(p.name) is \(x), expected a finite number of at least \(Parameter.plain(bound))")
            }
        case (.integers(let r), .integer(let v)):
            guard r.contains(v) else {
                throw LDLError.invalid("\(p.name) is \(v), expected an integer from \(r.lowerBound) to \(r.upperBound)")
            }
        case (.choices(let names), .text(let v)):
            guard names.contains(v.lowercased()) || p.name == "method" else {
                throw LDLError.invalid(
                    "unknown \(p.name) \"\(v)\"", hint: "Valid values are: \(names.joined(separator: ", ")).")
            }
        default:
            break
        }
    }
}
