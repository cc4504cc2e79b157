#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to stdout and stderr with plain `write(2)`: callers hand over
/// large chunks (predict buffers 64 KiB of CSV), so no stdio buffering is
/// needed, and nothing can be left unflushed when `main` returns an error.
enum Output {
    static func out(_ text: String) { writeAll(text, to: 1) }

    static func err(_ text: String) { writeAll(text, to: 2) }

    /// Kept for call sites that mark "everything so far is out".
    static func flush() {}

    private static func writeAll(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // a closed pipe (`| head`): nothing more to say
                }
                offset += n
            }
        }
    }

    static var stderrIsTerminal: Bool { isatty(2) != 0 }

    /// Seconds of CPU time of the calling thread: unlike `now()`, it does not
    /// count time spent waiting for a core that other processes hold (the
    /// project's machines are shared), though it still counts their effect
    /// on caches and memory bandwidth.
    static func threadCPUTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Seconds on a monotonic clock, for timings.
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
