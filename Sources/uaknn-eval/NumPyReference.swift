import Foundation

/// Runs `bench/numpy_reference.py` as a subprocess and reads its JSON.
///
/// The machine may set OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (older OpenBLAS
/// builds need them on some processors); they slow a current NumPy, so they
/// are removed from this subprocess's environment only, both together, as the
/// machine's documentation prescribes for benchmarks. Nothing else is changed.
struct NumPyReference {
    var matvecSecondsPerQuery: Double
    var matmulSecondsPerQuery: Double
    /// The same with BLAS limited to one thread (nil without threadpoolctl):
    /// the core predicts on one thread, so this tells threads from kernels.
    var matvecOneThread: Double?
    var matmulOneThread: Double?
    var rows: Int
    var columns: Int
    var numpyVersion: String
    /// E.g. "openblas 0.3.31 SkylakeX, 2 threads", or nil without threadpoolctl.
    var blas: String?

    static let variablesToUnset = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]

    /// The script: `explicit` if given, else `bench/numpy_reference.py` in the
    /// nearest ancestor of the executable's directory that has one (the binary
    /// lives in `.build/...`), else in the working directory.
    static func locateScript(explicit: String?) throws -> String {
        let manager = FileManager.default
        if let explicit {
            guard manager.isReadableFile(atPath: explicit) else {
                throw EvalError.data("\(explicit): cannot read the NumPy reference script")
            }
            return explicit
        }
        let relative = "bench/numpy_reference.py"
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(relative).path
            if manager.isReadableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let local = manager.currentDirectoryPath + "/" + relative
        if manager.isReadableFile(atPath: local) { return local }
        throw EvalError.data(
            "cannot find \(relative) near the executable or in the working directory; "
                + "pass --numpy-script PATH, or --no-numpy to skip the reference")
    }

    static func run(python: String, script: String, data: String, queries: Int, rounds: Int) throws -> NumPyReference {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--data", data, "--queries", String(queries), "--rounds", String(rounds)]
        var environment = ProcessInfo.processInfo.environment
        for name in variablesToUnset { environment.removeValue(forKey: name) }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            throw EvalError.data("cannot start \(python) \(script): \(error.localizedDescription)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EvalError.data("\(python) \(script) failed with status \(process.terminationStatus) (see above)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any],
            let matvec = object["matvec_seconds_per_query"] as? Double,
            let matmul = object["matmul_seconds_per_query"] as? Double,
            let rows = object["rows"] as? Int, let columns = object["columns"] as? Int
        else {
            let text = String(decoding: output.prefix(300), as: UTF8.self)
            throw EvalError.data("\(script) printed no timings I can read: \"\(text)\"")
        }
        var blas: String? = nil
        if let libraries = object["blas"] as? [[String: Any]] {
            blas = libraries.map { lib in
                let api = lib["internal_api"] as? String ?? "?"
                let version = lib["version"] as? String ?? "?"
                let arch = lib["architecture"] as? String ?? "?"
                let threads = lib["num_threads"] as? Int ?? 0
                return "\(api) \(version) \(arch), \(threads) threads"
            }.joined(separator: "; ")
        }
        return NumPyReference(
            matvecSecondsPerQuery: matvec, matmulSecondsPerQuery: matmul,
            matvecOneThread: object["matvec_1thread_seconds_per_query"] as? Double,
            matmulOneThread: object["matmul_1thread_seconds_per_query"] as? Double, rows: rows, columns: columns,
            numpyVersion: object["numpy"] as? String ?? "?", blas: blas)
    }
}
