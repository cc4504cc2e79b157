/// The two distances of the diagnostics (F2.5's neighbours, F4.1's label
/// centroids): Euclidean, or cosine (nearest = highest cosine; as a distance
/// `1 − cos`, with cos = 0 for a zero vector).
public enum DistanceKind: String, CaseIterable, Sendable {
    case euclidean
    case cosine

    public static func parse(_ name: some StringProtocol) throws(LDLError) -> DistanceKind {
        guard let d = DistanceKind(rawValue: String(name).lowercased()) else {
            throw LDLError.invalid("unknown distance \"\(name)\"", hint: "Valid distances are: euclidean, cosine.")
        }
        return d
    }
}
