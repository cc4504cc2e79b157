import LDLCore
import UAKNNBridgeABI

// The parameters of a call, as the shim passes them: (index, value) pairs
// named by the SQL function's argument names. Everything about a parameter
// (name, type, range, default, which methods read it) is the core's
// `Parameter.all`; this file only converts C values.

extension uaknn_arg {
    /// The value, as the core's declared types take it.
    func value() throws(LDLError) -> ParameterValue {
        switch uaknn_value_kind(rawValue: UInt32(bitPattern: kind)) {
        case UAKNN_VALUE_TEXT: return .text(try utf8String(text, length))
        case UAKNN_VALUE_NUMBER: return .number(number)
        case UAKNN_VALUE_INTEGER: return .integer(integer)
        case UAKNN_VALUE_BOOLEAN: return .boolean(boolean)
        case UAKNN_VALUE_JSON: return .json(try JSONValue.parse(try utf8String(text, length)))
        case UAKNN_VALUE_NUMBERS: return .numbers(Array(try buffer(numbers, count, name: "array argument")))
        default: throw LDLError(.internal, "argument kind \(kind) is unknown")
        }
    }
}

/// The settings of a call's arguments (`count` of them at `args`).
func callSettings(_ args: UnsafePointer<uaknn_arg>?, _ count: Int32) throws(LDLError) -> Settings {
    var settings = Settings()
    guard count > 0 else { return settings }
    guard let args else { throw LDLError(.internal, "arguments are a null pointer") }
    let all = Parameter.all
    for i in 0..<Int(count) {
        let arg = args[i]
        guard arg.parameter >= 0, Int(arg.parameter) < all.count else {
            throw LDLError(.internal, "parameter index \(arg.parameter) out of range")
        }
        try settings.set(all[Int(arg.parameter)].name, try arg.value())
    }
    return settings
}

/// The index of the parameter named `name` (`length` bytes), or -1.
@_cdecl("uaknn_parameter_lookup")
public func uaknn_parameter_lookup(_ name: UnsafePointer<CChar>?, _ length: Int32) -> Int32 {
    guard let text = try? utf8String(name, length) else { return -1 }
    return Int32(Parameter.all.firstIndex { $0.name == text } ?? -1)
}

@_cdecl("uaknn_parameter_count")
public func uaknn_parameter_count() -> Int32 {
    Int32(Parameter.all.count)
}

/// Describes parameter `index` into `info`; false for an index out of range.
@_cdecl("uaknn_parameter_describe")
public func uaknn_parameter_describe(_ index: Int32, _ info: UnsafeMutablePointer<uaknn_parameter_info>?) -> Bool {
    let all = Parameter.all
    guard index >= 0, Int(index) < all.count, let info else { return false }
    let p = all[Int(index)]
    copyCString(p.name, into: &info.pointee.name)
    copyCString(p.type.rawValue, into: &info.pointee.type)
    copyCString(p.scope.rawValue, into: &info.pointee.scope)
    copyCString(p.methods.joined(separator: ", "), into: &info.pointee.methods)
    copyCString(p.defaultText, into: &info.pointee.default_value)
    copyCString(p.rangeText, into: &info.pointee.range)
    copyCString(p.summary, into: &info.pointee.summary)
    return true
}

/// Checks a model's options (JSON text): known names, JSON types, ranges,
/// for every method (so that the options serve whichever method a call picks).
@_cdecl("uaknn_options_check")
public func uaknn_options_check(
    _ json: UnsafePointer<CChar>?, _ length: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        try Settings.options(try JSONValue.parse(try utf8String(json, length))).validateAll()
    }
}

/// Checks the parameters of a call (uaknn_check_parameters, as the 0.1.0
/// SQL's option check calls it).
@_cdecl("uaknn_args_check")
public func uaknn_args_check(
    _ args: UnsafePointer<uaknn_arg>?, _ count: Int32, _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        try callSettings(args, count).validateAll()
    }
}

/// The options of the model whose rows the last checks were for (a trigger
/// checks row after row of one model: parse its options once).
nonisolated(unsafe) var sampleOptions: (text: String, settings: Settings) = ("", Settings())

/// Checks a sample against a model's N and L (negative: not fixed yet) and
/// its options (JSON text; length 0: none).
@_cdecl("uaknn_sample_check")
public func uaknn_sample_check(
    _ features: UnsafePointer<Double>?, _ featureLength: Int32,
    _ labels: UnsafePointer<Double>?, _ labelLength: Int32,
    _ n: Int32, _ l: Int32, _ options: UnsafePointer<CChar>?, _ optionsLength: Int32,
    _ error: UnsafeMutablePointer<uaknn_error>?
) -> Int32 {
    guarded(error) { () throws(LDLError) in
        let text = try utf8String(options, optionsLength)
        if text != sampleOptions.text {
            sampleOptions = (text, text.isEmpty ? Settings() : try Settings.options(try JSONValue.parse(text)))
        }
        try Model.checkSample(
            features: try buffer(features, featureLength, name: "features"),
            labels: try buffer(labels, labelLength, name: "labels"),
            featureCount: n >= 0 ? Int(n) : nil, labelCount: l >= 0 ? Int(l) : nil,
            labelPolicy: sampleOptions.settings.labelPolicy())
    }
}
