import Testing

@testable import LDLCore

/// Storage modes: names, `auto`'s choice, loads, incremental adds, memory.
@Suite struct StorageModeTests {
    @Test func namesParseIgnoringCase() throws {
        for mode in StorageMode.allCases {
            #expect(try StorageMode.parse(mode.name) == mode)
            #expect(try StorageMode.parse(mode.name.uppercased()) == mode)
        }
        #expect(try StorageMode.parse("Float4") == .float4)
        for bad in ["", "float8", "csr", "sparse ", "densee"] {
            expectError(.invalidParameter, bad) { _ = try StorageMode.parse(bad) }
            do {
                _ = try StorageMode.parse(bad)
            } catch {
                #expect(error.message == "unknown storage \"\(bad)\"")
                #expect(error.hint == "Valid storage modes are: auto, dense, sparse, float4.")
            }
        }
    }

    /// Sparse when at most 1 value in 8 is non-zero, exactly at the boundary too.
    @Test func autoThreshold() throws {
        #expect(StorageMode.sparseSuits(nonZero: 2, total: 16))
        #expect(!StorageMode.sparseSuits(nonZero: 3, total: 16))
        #expect(StorageMode.sparseSuits(nonZero: 1, total: 15))  // 1/15 < 1/8
        #expect(!StorageMode.sparseSuits(nonZero: 2, total: 15))  // 2/15 > 1/8
        #expect(StorageMode.sparseSuits(nonZero: 0, total: 1))
        #expect(!StorageMode.sparseSuits(nonZero: 1, total: 7))
        // A load with exactly 1 non-zero value in 8.
        func load(_ rows: [[Double]]) throws -> Model {
            let model = try Model(featureCount: 8, labelCount: 2)
            for (i, r) in rows.enumerated() { try model.add(key: Int64(i), features: r, labels: [0.7, 0.3]) }
            model.finishLoad()
            return model
        }
        let one: [Double] = [0, 0, 3, 0, 0, 0, 0, 0]
        let two: [Double] = [1, 0, 0, 0, 0, 0, 0, -2]
        let none = [Double](repeating: 0, count: 8)
        #expect(try load([one, one, one]).storageMode == .sparse)
        #expect(try load([two, none, one, one]).storageMode == .sparse)  // 4 in 32
        #expect(try load([two, none, one, two]).storageMode == .dense)  // 6 in 32
        #expect(try load([two, two]).storageMode == .dense)
        // -0 is a zero.
        #expect(try load([[-0.0, 0, 0, 0, 0, -0.0, 0, 1]]).storageMode == .sparse)
    }

    /// `auto` follows the rows at each power-of-two count while loading; the
    /// choice at `finishLoad` is final, and later rows keep it.
    @Test func autoFollowsTheLoadThenKeepsItsChoice() throws {
        let model = try Model(featureCount: 16, labelCount: 2)
        #expect(model.requestedStorage == .auto)
        #expect(model.storageMode == .sparse)
        let sparseRow = [1.0] + [Double](repeating: 0, count: 15)
        let denseRow = (0..<16).map { Double($0 + 1) }
        var key: Int64 = 0
        func add(_ row: [Double], _ times: Int, to m: Model) throws {
            for _ in 0..<times {
                try m.add(key: key, features: row, labels: [0.6, 0.4])
                key += 1
            }
        }
        try add(sparseRow, 4, to: model)
        #expect(model.storageMode == .sparse)
        try add(denseRow, 4, to: model)  // 8 rows, 68 of 128 values non-zero: dense at the 8th row
        #expect(model.storageMode == .dense)
        try add(sparseRow, 56, to: model)  // 64 rows, 124 of 1024: sparse at the 64th
        #expect(model.storageMode == .sparse)
        try add(denseRow, 3, to: model)  // 67 rows, not a power of two: unchanged
        #expect(model.storageMode == .sparse)
        model.finishLoad()  // 172 of 1072 values, more than 1 in 8: dense, for good
        #expect(model.storageMode == .dense)
        try add(sparseRow, 100, to: model)
        #expect(model.storageMode == .dense)
        model.finishLoad()
        #expect(model.storageMode == .dense)
        #expect(model.nonZeroCount == 272)
        // Explicit modes never change.
        for mode in [StorageMode.dense, .sparse, .float4] {
            let m = try Model(featureCount: 16, labelCount: 2, storage: mode)
            try add(mode == .dense ? sparseRow : denseRow, 64, to: m)
            m.finishLoad()
            #expect(m.storageMode == mode)
            #expect(m.requestedStorage == mode)
        }
        // An empty load decides nothing.
        let empty = try Model(featureCount: 16, labelCount: 2)
        empty.finishLoad()
        try add(denseRow, 3, to: empty)
        #expect(empty.storageMode == .dense)
        empty.finishLoad()
        try add(sparseRow, 200, to: empty)
        #expect(empty.storageMode == .dense)
    }

    /// Rows added after a load, in each mode: predictions are those of a dense
    /// model of all the rows (`float4`: within its tolerance), and the mode stays.
    @Test(arguments: [StorageMode.auto, .sparse, .dense, .float4])
    func incrementalAddAfterLoad(mode: StorageMode) throws {
        let rows = StorageFixtures.sparseRows(seed: 21, rows: 300, n: 40, l: 3, density: 0.05)
        let model = try StorageFixtures.model(Array(rows.prefix(200)), n: 40, l: 3, mode: mode)
        let chosen = model.storageMode
        #expect(chosen == (mode == .auto ? .sparse : mode))
        for (k, f, d) in rows.suffix(100) { try model.add(key: k, features: f, labels: d) }
        #expect(model.storageMode == chosen)
        #expect(model.count == 300)
        // As a model loaded at once: the dense one (any exact layout), or a float4 one.
        let reference = try StorageFixtures.model(rows, n: 40, l: 3, mode: mode == .float4 ? .float4 : .dense)
        let queries = StorageFixtures.queries(Array(rows.suffix(100)), n: 40, seed: 5, density: 0.05)
        try StorageFixtures.expectSamePredictions(reference, model, queries: queries, "\(mode) + 100 rows")
        // Bulk adds too.
        let more = StorageFixtures.sparseRows(seed: 22, rows: 50, n: 40, l: 3, density: 0.05).map { ($0.0 + 5000, $0.1, $0.2) }
        let keys = more.map(\.0), features = more.flatMap(\.1), labels = more.flatMap(\.2)
        try keys.withUnsafeBufferPointer { k in
            try features.withUnsafeBufferPointer { f in
                try labels.withUnsafeBufferPointer { l in
                    try model.add(keys: k, features: f, labels: l, isCancelled: { false })
                }
            }
        }
        #expect(model.count == 350)
        #expect(model.storageMode == chosen)
        for (i, row) in more.enumerated() where i % 10 == 0 {
            let stored = model.features(at: 300 + i)
            #expect(stored == (mode == .float4 ? row.1.map { Double(Float($0)) } : row.1))
        }
    }

    /// `memoryBytes` counts what each layout holds: float4's features are
    /// half of dense's, sparse holds 12 bytes per non-zero value (plus a row
    /// start and a norm per row), and every array's capacity is counted.
    @Test func memoryAccounting() throws {
        let n = 64, rows = 512
        var rng = TestRandom(9)
        let dense = (0..<rows).map { _ in (0..<n).map { _ in Double.random(in: -1...1, using: &rng) } }
        let sparse = (0..<rows).map { i in (0..<n).map { c in c == i % n || c == (i * 7) % n ? 1.5 : 0 } }
        func model(_ data: [[Double]], _ mode: StorageMode) throws -> Model {
            let m = try Model(featureCount: n, labelCount: 4, storage: mode)
            m.reserveCapacity(additional: rows)
            for (i, r) in data.enumerated() { try m.add(key: Int64(i), features: r, labels: [0.4, 0.3, 0.2, 0.1]) }
            m.finishLoad()
            return m
        }
        let d = try model(dense, .dense), f = try model(dense, .float4)
        // Capacities are what malloc gave (at least what was reserved); the
        // rest of the two models is alike.
        #expect(d.rawFeatures.capacity >= rows * n && d.rawFeatures.capacity <= rows * n * 17 / 16)
        #expect(f.floatFeatures.capacity >= rows * n && f.floatFeatures.capacity <= rows * n * 17 / 16)
        #expect(d.memoryBytes - f.memoryBytes == d.rawFeatures.capacity * 8 - f.floatFeatures.capacity * 4)
        // float4's features take half (up to malloc's rounding to pages).
        #expect(f.floatFeatures.capacity * 4 <= rows * n * 4 + 8192)
        let floor = rows * n * 8 + rows * (8 + 8 + 4 * 8)  // features, keys, inverse norms, labels
        #expect(d.memoryBytes >= floor)
        let s = try model(sparse, .sparse), a = try model(sparse, .auto), ds = try model(sparse, .dense)
        #expect(a.storageMode == .sparse)
        #expect(abs(s.memoryBytes - a.memoryBytes) * 100 < s.memoryBytes)
        let nonZero = s.nonZeroCount
        #expect(nonZero == rows * 2 - rows / 32)  // one value when 7i = i (mod 64), i.e. i = 0 (mod 32)
        let sparseFeatures = s.sparseRows.memoryBytes
        let used = nonZero * 12 + rows * 16 + 8  // column and value per non-zero; row start and |x|² per row
        #expect(sparseFeatures >= used && sparseFeatures <= used * 9 / 8 + 256, "\(sparseFeatures) for \(used)")
        #expect(abs((ds.memoryBytes - s.memoryBytes) - (ds.rawFeatures.capacity * 8 - sparseFeatures)) <= 256)
        #expect(s.memoryBytes * 4 < ds.memoryBytes)
        // Only the first finishLoad trims: a row added later grows the
        // features geometrically, and a second call does not copy them back.
        let loaded = d.rawFeatures.capacity
        var key: Int64 = -1
        while d.rawFeatures.capacity == loaded, key > -1000 {
            try d.add(key: key, features: dense[0], labels: [0.4, 0.3, 0.2, 0.1])
            key -= 1
        }
        let grown = d.rawFeatures.capacity
        #expect(grown >= loaded * 3 / 2)
        d.finishLoad()
        #expect(d.rawFeatures.capacity == grown)
    }

    @Test func float4RefusesValuesBeyondFloat32() throws {
        let model = try Model(featureCount: 3, labelCount: 2, storage: .float4)
        try model.add(key: 1, features: [1, 3e38, -1e-40], labels: [0.5, 0.5])
        let before = model.memoryBytes
        expectError(.invalidParameter, "1e39") { try model.add(key: 2, features: [1, 1e39, 0], labels: [0.5, 0.5]) }
        expectError(.invalidParameter, "-1e300") { try model.add(key: 2, features: [-1e300, 0, 0], labels: [0.5, 0.5]) }
        do {
            try model.add(key: 2, features: [1, 2, 1e39], labels: [0.5, 0.5])
        } catch {
            #expect(error.message.contains("element 3") && error.message.contains("float4"), "\(error.message)")
            #expect(error.hint?.contains("storage dense") == true)
        }
        #expect(model.count == 1 && model.memoryBytes == before)
        #expect(model.features(at: 0) == [1, Double(Float(3e38)), Double(Float(-1e-40))])
        // Dense and sparse keep any finite value.
        for mode in [StorageMode.dense, .sparse, .auto] {
            let m = try Model(featureCount: 3, labelCount: 2, storage: mode)
            try m.add(key: 2, features: [1, 1e39, 0], labels: [0.5, 0.5])
            #expect(m.features(at: 0) == [1, 1e39, 0])
        }
    }

    /// The new scans poll `isCancelled` every 1024 samples (single queries
    /// and blocks alike) and stop at the first `true`.
    @Test(arguments: [StorageMode.sparse, .float4])
    func scansPollForCancel(mode: StorageMode) throws {
        var rng = TestRandom(5)
        let n = 24
        let model = try Model(featureCount: n, labelCount: 3, storage: mode)
        for i in 0..<5000 {
            let x = (0..<n).map { _ in Double.random(in: 0...1, using: &rng) < 0.1 ? Double.random(in: -1...1, using: &rng) : 0 }
            try model.add(key: Int64(i), features: x, labels: rng.distribution(3))
        }
        for count in [1, 40] {
            let queries = (0..<(count * n)).map { _ in Double.random(in: -1...1, using: &rng) }
            var out = [Double](repeating: 0, count: count * 3)
            for m in [Method.uaknn(), .aaknn(), .kernel(), .uaknn(UAKNNOptions(prototypes: false))] {
                func run(stopAt: Int) -> (polls: Int, error: LDLError?) {
                    var polls = 0
                    let error: LDLError? = queries.withUnsafeBufferPointer { q -> LDLError? in
                        out.withUnsafeMutableBufferPointer { o -> LDLError? in
                            do {
                                try model.predictBatch(q, count: count, method: m, into: o, isCancelled: {
                                    polls += 1
                                    return polls >= stopAt
                                })
                                return nil
                            } catch let error as LDLError {
                                return error
                            } catch {
                                return LDLError(.internal, "\(error)")
                            }
                        }
                    }
                    return (polls, error)
                }
                let full = run(stopAt: .max)
                #expect(full.error == nil)
                #expect(full.polls > 5000 / Model.pollInterval, "\(mode) \(m) \(count): \(full.polls) polls")
                let stopped = run(stopAt: 4)
                #expect(stopped.error?.kind == .cancelled, "\(mode) \(m) \(count)")
                #expect(stopped.polls == 4, "stops at the first true poll")
            }
        }
    }
}
