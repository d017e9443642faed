extension Collection {
    /// The positions of one element per key, in order: for each key, its first element that
    /// `isPreferred` accepts, or else its first. A worker offers one outcome per task this way:
    /// one statement cannot write a row twice, and the copy whose start was written is the one
    /// the row knows.
    public func indicesOfOnePerKey<Key: Hashable>(
        _ key: (Element) -> Key, preferring isPreferred: (Element) -> Bool
    ) -> [Index] {
        var chosen: [Key: (index: Index, preferred: Bool)] = [:]
        for index in indices {
            let element = self[index]
            let candidate = (index: index, preferred: isPreferred(element))
            let id = key(element)
            if let current = chosen[id], current.preferred || !candidate.preferred { continue }
            chosen[id] = candidate
        }
        return chosen.values.map(\.index).sorted()
    }
}
