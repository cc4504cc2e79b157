/// A sample found by a scan: its distance to the query (smaller is nearer;
/// cosine scans store `-cos`), key and storage index.
struct Neighbour: Equatable {
    var distance: Double
    var key: Int64
    var index: Int

    /// Nearer first; equal distances go to the lowest key (spec), which makes
    /// every choice independent of insertion order.
    @inline(__always)
    static func precedes(_ a: Neighbour, _ b: Neighbour) -> Bool {
        a.distance < b.distance || (a.distance == b.distance && a.key < b.key)
    }
}

/// The `capacity` nearest samples offered so far: a binary max-heap with the
/// farthest kept sample at the root, so most offers are rejected by one
/// comparison. `O(n log k)` for a scan of n samples.
struct NearestSet {
    let capacity: Int
    private(set) var heap: [Neighbour] = []

    /// `capacity` is clamped to at least 1; callers pass `min(k, model.count)`
    /// so a huge `k` reserves nothing it cannot use.
    init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
        heap.reserveCapacity(self.capacity)
    }

    /// The distance a sample must beat (or tie, with a lower key) to enter.
    var bound: Double { heap.count < capacity ? .infinity : heap[0].distance }

    @inline(__always)
    mutating func offer(_ n: Neighbour) {
        if heap.count < capacity {
            heap.append(n)
            siftUp(heap.count - 1)
        } else if Neighbour.precedes(n, heap[0]) {
            heap[0] = n
            siftDown(0)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            // Max-heap on "follows": the parent must not precede the child.
            guard Neighbour.precedes(heap[parent], heap[i]) else { return }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var worst = i
            if l < n, Neighbour.precedes(heap[worst], heap[l]) { worst = l }
            if r < n, Neighbour.precedes(heap[worst], heap[r]) { worst = r }
            guard worst != i else { return }
            heap.swapAt(i, worst)
            i = worst
        }
    }

    /// The kept samples, nearest first (ties by lowest key).
    func ascending() -> [Neighbour] {
        heap.sorted(by: Neighbour.precedes)
    }
}

/// The best match of each prototype for one query (spec step 2): the member
/// with the largest cosine, ties to the lowest key. `index[j] < 0` while no
/// member of `P_j` has been seen (an empty prototype stays so).
struct PrototypeMatches {
    var score: [Double]
    var key: [Int64]
    var index: [Int]

    init(score: [Double], key: [Int64], index: [Int]) {
        self.score = score
        self.key = key
        self.index = index
    }
}
