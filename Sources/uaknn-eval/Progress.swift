/// The progress line of long runs, on stderr so that stdout stays the result.
/// Nothing is shown for the first second (10 s when stderr is not a terminal),
/// so short runs stay quiet. On a terminal it is then one line rewritten in
/// place (at most every 0.2 s); when stderr is a file or pipe it is a plain
/// line at most every 10 s, so logs show that a long run is alive without
/// filling up.
struct Progress {
    let label: String
    let total: Int
    private let terminal = Output.stderrIsTerminal
    private let start = Output.now()
    private var lastShown: Double
    private var shownOnTerminal = false

    init(label: String, total: Int) {
        self.label = label
        self.total = total
        // The first line is due one interval after a full second (terminal) or 10 s.
        lastShown = Output.now() + (Output.stderrIsTerminal ? 0.8 : 0)
    }

    mutating func update(done: Int, detail: String) {
        show(fraction: total > 0 ? Double(done) / Double(total) : 0, text: "\(done)/\(total) \(detail)")
    }

    /// For work measured as a share (0 to 1) rather than a count.
    mutating func update(fraction: Double, detail: String) {
        show(fraction: fraction, text: "\(Int((fraction * 100).rounded(.down)))% \(detail)")
    }

    private mutating func show(fraction: Double, text body: String) {
        let now = Output.now()
        guard now - lastShown >= (terminal ? 0.2 : 10) else { return }
        lastShown = now
        let elapsed = now - start
        var text = "\(label): \(body), \(Int(elapsed)) s"
        if fraction > 0, fraction < 1 {
            let remaining = elapsed / fraction * (1 - fraction)
            text += ", about \(Int(remaining.rounded(.up))) s left"
        }
        if terminal {
            Output.err("\r\u{1B}[K" + text)
            shownOnTerminal = true
        } else {
            Output.err(text + "\n")
        }
    }

    /// Clears the terminal line.
    func finish() {
        if terminal, shownOnTerminal { Output.err("\r\u{1B}[K") }
    }
}
