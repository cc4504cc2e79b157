#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Entry point: picks the subcommand, runs it, and turns every error into a
/// message on stderr and an exit status (never a trap).
func main() -> Int32 {
    let words = CommandLine.arguments.dropFirst()
    guard let command = words.first else {
        Output.err(Usage.text)
        return 2
    }
    if command == "--help" || command == "-h" || command == "help" {
        Output.out(Usage.text)
        return 0
    }
    let rest = words.dropFirst()
    if rest.contains("--help") || rest.contains("-h") {
        Output.out(Usage.text)
        return 0
    }
    do {
        switch command {
        case "predict":
            try PredictCommand.run(Arguments(rest, valued: PredictCommand.valued, flags: PredictCommand.flags))
        case "cv":
            try CVCommand.run(Arguments(rest, valued: CVCommand.valued, flags: CVCommand.flags))
        case "tune":
            try TuneCommand.run(Arguments(rest, valued: TuneCommand.valued, flags: TuneCommand.flags))
        case "bench":
            try BenchCommand.run(Arguments(rest, valued: BenchCommand.valued, flags: BenchCommand.flags))
        case "noise":
            try NoiseCommand.run(Arguments(rest, valued: NoiseCommand.valued, flags: NoiseCommand.flags))
        case "scale":
            try ScaleCommand.run(Arguments(rest, valued: ScaleCommand.valued, flags: ScaleCommand.flags))
        case "compare":
            try CompareCommand.run(Arguments(rest, valued: CompareCommand.valued, flags: CompareCommand.flags))
        default:
            throw EvalError.usage(
                "unknown command \"\(command)\" (expected predict, cv, tune, bench, noise, scale or compare)")
        }
    } catch let error as EvalError {
        Output.flush()
        Output.err("uaknn-eval: error: \(error.message)\n")
        if error.kind == .usage { Output.err("Run 'uaknn-eval --help' for usage.\n") }
        return error.kind == .usage ? 2 : 1
    } catch {
        Output.flush()
        Output.err("uaknn-eval: error: \(error)\n")
        return 1
    }
    Output.flush()
    return 0
}

exit(main())
