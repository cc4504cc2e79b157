#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dense matrix of doubles read from a CSV file, row-major.
struct Matrix {
    var rows: Int
    var columns: Int
    var values: [Double]

    /// Row `r` as an array (for small uses; hot paths slice `values`).
    func row(_ r: Int) -> ArraySlice<Double> { values[(r * columns)..<((r + 1) * columns)] }

    /// The rows `indices`, in that order, as a new matrix.
    func rows(_ indices: [Int]) -> Matrix {
        var out: [Double] = []
        out.reserveCapacity(indices.count * columns)
        for r in indices { out.append(contentsOf: row(r)) }
        return Matrix(rows: indices.count, columns: columns, values: out)
    }
}

/// Reads the datasets' CSV files: no header, numbers separated by commas, one
/// row a line, every line the same number of cells.
///
/// Written against bytes with `strtod` rather than with `String` splitting:
/// Movie's features.csv is 29 MB (14.5 million cells), and per-cell `String`
/// and `Double(String)` work costs seconds there. Errors name the file, the
/// line (1-based) and the column, so a user can go straight to the bad cell.
enum CSVReader {
    static func read(path: String) throws -> Matrix {
        guard let file = fopen(path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw EvalError.data("\(path): cannot open (\(reason))")
        }
        defer { fclose(file) }
        // Whole file plus a NUL, so that strtod can never run past the end.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(file) != 0 { throw EvalError.data("\(path): read error") }
                break
            }
        }
        bytes.append(0)
        return try bytes.withUnsafeBufferPointer { try parse($0, path: path) }
    }

    /// Parses NUL-terminated CSV text. `text.last` must be 0.
    static func parse(_ text: UnsafeBufferPointer<UInt8>, path: String) throws -> Matrix {
        let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), zero = UInt8(ascii: "0")
        let chars = UnsafeRawPointer(text.baseAddress!).assumingMemoryBound(to: CChar.self)
        let end = text.count - 1  // index of the NUL
        var values: [Double] = []
        var columns = -1
        var rows = 0
        var p = 0
        var line = 1

        func isEndOfCell(_ c: UInt8) -> Bool { c == comma || c == newline || c == cr || c == 0 }
        /// The text of the cell at `start`, for messages (shortened).
        func cellText(_ start: Int) -> String {
            var q = start
            while q < end, text[q] != comma, text[q] != newline, text[q] != cr { q += 1 }
            let s = String(decoding: UnsafeBufferPointer(rebasing: text[start..<q]), as: UTF8.self)
            return s.count > 40 ? String(s.prefix(40)) + "..." : s
        }

        while p < end {
            // A line with nothing on it: fine at the end of the file (trailing
            // newlines), an error inside it (it would shift every later row).
            if text[p] == newline || (text[p] == cr && text[p + 1] == newline) {
                var q = p
                while q < end, text[q] == newline || text[q] == cr || text[q] == space || text[q] == tab { q += 1 }
                if q == end { break }
                throw EvalError.data("\(path):\(line): empty line")
            }
            var column = 0
            while true {
                column += 1
                while text[p] == space || text[p] == tab { p += 1 }
                let start = p
                let c = text[p]
                if isEndOfCell(c) {
                    throw EvalError.data("\(path):\(line): column \(column) is empty")
                }
                var value: Double
                if c == zero && isEndOfCell(text[p + 1]) {
                    // Sparse data is mostly "0": skip strtod for it.
                    value = 0
                    p += 1
                } else {
                    var stop: UnsafeMutablePointer<CChar>? = nil
                    value = strtod(chars + p, &stop)
                    p = stop.map { UnsafePointer($0) - chars } ?? p
                    while text[p] == space || text[p] == tab { p += 1 }
                    if p == start || !isEndOfCell(text[p]) {
                        throw EvalError.data("\(path):\(line): column \(column) is not a number: \"\(cellText(start))\"")
                    }
                    if !value.isFinite {
                        throw EvalError.data("\(path):\(line): column \(column) is not a finite number: \"\(cellText(start))\"")
                    }
                }
                values.append(value)
                if text[p] == comma {
                    p += 1
                    continue
                }
                break
            }
            if columns < 0 {
                columns = column
            } else if column != columns {
                throw EvalError.data(
                    "\(path):\(line): \(column) values, expected \(columns) (as on line 1)")
            }
            rows += 1
            if text[p] == cr { p += 1 }
            if text[p] == newline {
                p += 1
            } else if p < end {
                throw EvalError.data("\(path):\(line): stray carriage return")
            }
            line += 1
        }
        guard rows > 0 else { throw EvalError.data("\(path): no data (the file is empty)") }
        return Matrix(rows: rows, columns: columns, values: values)
    }
}
