/// What a scan does with each scored sample. The scans are generic over the
/// visitor, so its code is specialized and inlined into the scan loop (a
/// closure would be called once per sample: a fifth of a single query's time
/// on 300,000 x 64 float4 rows).
protocol ScanVisitor {
    /// Whether sample `i` is scored at all.
    func includes(_ i: Int) -> Bool
    /// Sample `i`'s scores: `scores[b - queries.lowerBound]` against query `b`,
    /// for `b` in `queries`.
    mutating func visit(_ i: Int, _ scores: UnsafeMutablePointer<Double>, _ queries: Range<Int>)
}

/// Spec step 2: the best member of each prototype per query, ties to the
/// lowest key, into `best*[b * labelCount + j]`.
struct PrototypeVisitor: ScanVisitor {
    let keys: UnsafePointer<Int64>
    /// `Prototypes.memberStart` and `memberLabels`.
    let starts: UnsafePointer<Int>
    let members: UnsafePointer<Int32>
    let memberCount: Int
    let labelCount: Int
    let filter: RowFilter
    let bestScore: UnsafeMutableBufferPointer<Double>
    let bestKey: UnsafeMutableBufferPointer<Int64>
    let bestIndex: UnsafeMutableBufferPointer<Int>

    @inline(__always)
    func includes(_ i: Int) -> Bool { starts[i] < starts[i &+ 1] && filter.includes(i) }

    @inline(__always)
    mutating func visit(_ i: Int, _ scores: UnsafeMutablePointer<Double>, _ queries: Range<Int>) {
        let key = keys[i]
        let end = Swift.min(starts[i &+ 1], memberCount)
        var m = starts[i]
        while m < end {
            let j = Int(members[m])
            m &+= 1
            guard j >= 0, j < labelCount else { continue }
            for b in queries {
                if filter.excludedPerQuery != nil, filter.excludes(i, query: b) { continue }
                let slot = b &* labelCount &+ j
                let s = scores[b &- queries.lowerBound]
                let best = bestScore[slot]
                if s > best || (s == best && key < bestKey[slot]) {
                    bestScore[slot] = s
                    bestKey[slot] = key
                    bestIndex[slot] = i
                }
            }
        }
    }
}

/// The k nearest per query (`-score` for cosines), each set's bound kept
/// beside it so that most samples cost one comparison.
struct NearestVisitor: ScanVisitor {
    let keys: UnsafePointer<Int64>
    /// Cosine scores rank by `-cos`.
    let negate: Bool
    let filter: RowFilter
    var sets: [NearestSet]
    /// `sets[b].bound`, in a buffer the scan owns.
    let bounds: UnsafeMutablePointer<Double>

    @inline(__always)
    func includes(_ i: Int) -> Bool { filter.includes(i) }

    @inline(__always)
    mutating func visit(_ i: Int, _ scores: UnsafeMutablePointer<Double>, _ queries: Range<Int>) {
        for b in queries {
            let s = scores[b &- queries.lowerBound]
            let d = negate ? -s : s
            guard d <= bounds[b] else { continue }
            if filter.excludedPerQuery != nil, filter.excludes(i, query: b) { continue }
            sets[b].offer(Neighbour(distance: d, key: keys[i], index: i))
            bounds[b] = sets[b].bound
        }
    }
}
