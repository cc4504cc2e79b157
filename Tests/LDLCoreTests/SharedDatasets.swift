import Foundation

/// The shared datasets (`../shared/datasets` beside the project, or
/// `UAKNN_DATASETS`), for tests that use them when they are present.
enum SharedDatasets {
    /// The folder holding `SJAFFE`, `Yeast_alpha`, `Movie`, or nil.
    static let root: URL? = {
        let project = Fixtures.testsDirectory.deletingLastPathComponent()
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["UAKNN_DATASETS"] { candidates.append(URL(fileURLWithPath: path)) }
        candidates.append(project.appendingPathComponent("../shared/datasets").standardizedFileURL)
        candidates.append(project.appendingPathComponent("../../shared/datasets").standardizedFileURL)
        candidates.append(URL(fileURLWithPath: "/work/shared/datasets"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("Movie/features.csv").path) }
    }()

    static func has(_ name: String) -> Bool {
        guard let root else { return false }
        return FileManager.default.fileExists(atPath: root.appendingPathComponent("\(name)/labels.csv").path)
    }

    /// The first `limit` rows of a dataset's features and labels.
    static func load(_ name: String, limit: Int = .max) throws -> (features: [[Double]], labels: [[Double]]) {
        guard let root else { throw FixtureError.malformed(name) }
        let folder = root.appendingPathComponent(name)
        return (
            try rows(folder.appendingPathComponent("features.csv"), limit: limit),
            try rows(folder.appendingPathComponent("labels.csv"), limit: limit)
        )
    }

    /// CSV lines as numbers, with `strtod` on the bytes (Movie's 14.5
    /// million cells are slow through `String` in a debug build).
    static func rows(_ url: URL, limit: Int) throws -> [[Double]] {
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes.append(0)
        var result: [[Double]] = []
        try bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var p = UnsafeMutablePointer(mutating: base).withMemoryRebound(to: CChar.self, capacity: buffer.count) { $0 }
            let end = p + (buffer.count - 1)
            var row: [Double] = []
            while p < end, result.count < limit {
                var next: UnsafeMutablePointer<CChar>? = nil
                let v = strtod(p, &next)
                guard let n = next, n != p else { throw FixtureError.malformed(url.path) }
                row.append(v)
                p = n
                if p < end, p.pointee == 44 { p += 1; continue }  // ","
                while p < end, p.pointee == 13 || p.pointee == 10 { p += 1 }  // "\r\n"
                result.append(row)
                row = []
            }
        }
        return result
    }
}
