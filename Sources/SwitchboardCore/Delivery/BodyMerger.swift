/// Joins the bodies of a batch into one JSON object (`batching.combine: "merge"`), the shape
/// Braze's /users/track and Heap's bulk track take: array fields concatenated, every other field
/// kept once. Pure: the dispatcher sends the bodies it took and hands the rest back for the next request.
public enum BodyMerger {
    public struct Merged: Sendable, Equatable {
        public var body: JSONValue
        /// How many of the bodies, from the first, are in `body`.
        public var taken: Int

        public init(body: JSONValue, taken: Int) {
            self.body = body
            self.taken = taken
        }
    }

    /// Merges bodies from the first while they fit: the array items in all (attributes, events, ...)
    /// stay at most `maximumItems`, and a field two bodies both hold but differently (a scalar, or
    /// an array against a non-array) ends the request there, so that no value is lost: the body
    /// that differs starts the next request. The first body is always taken, as it is, even alone
    /// over the limit or not an object.
    public static func merge(_ bodies: [JSONValue], maximumItems: Int) -> Merged {
        guard let first = bodies.first else { return Merged(body: [:], taken: 0) }
        guard case .object(var merged) = first else { return Merged(body: first, taken: 1) }
        var items = itemCount(merged)
        var taken = 1
        for body in bodies.dropFirst() {
            guard case .object(let fields) = body else { break }
            let added = itemCount(fields)
            guard added <= maximumItems - items, let joined = join(merged, fields) else { break }
            merged = joined
            items += added
            taken += 1
        }
        return Merged(body: .object(merged), taken: taken)
    }

    /// The array items of an object's top-level array fields.
    static func itemCount(_ fields: [String: JSONValue]) -> Int {
        fields.values.reduce(0) { count, value in
            if case .array(let elements) = value { return count + elements.count }
            return count
        }
    }

    /// `left` with `right`'s fields joined in, or nil when a field differs in a way that cannot be joined.
    private static func join(_ left: [String: JSONValue], _ right: [String: JSONValue]) -> [String: JSONValue]? {
        var joined = left
        for (key, value) in right {
            switch (left[key], value) {
            case (nil, _): joined[key] = value
            case (.array(let head)?, .array(let tail)): joined[key] = .array(head + tail)
            case (let existing?, _) where existing == value: continue
            default: return nil
            }
        }
        return joined
    }
}
