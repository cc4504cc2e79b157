/// The paper's ensemble (section 6): the mean of the predictions of several
/// configurations. Each member runs as its own batch over the same queries,
/// so a member is computed exactly as it would be alone.
extension Model {
    func ensembleBatch(
        _ queries: UnsafeBufferPointer<Double>, count: Int, members: [Method],
        into out: UnsafeMutableBufferPointer<Double>, isCancelled: () -> Bool, filter: RowFilter = RowFilter()
    ) throws(LDLError) {
        let total = count * labelCount
        for i in 0..<total { out[i] = 0 }
        var scratch = [Double](repeating: 0, count: total)
        for member in members {
            try scratch.withUnsafeMutableBufferPointer { (s) throws(LDLError) in
                try runBatch(queries, count: count, method: member, into: s, isCancelled: isCancelled, filter: filter)
            }
            for i in 0..<total { out[i] += scratch[i] }
        }
        let n = Double(members.count)
        for i in 0..<total { out[i] /= n }
    }
}
