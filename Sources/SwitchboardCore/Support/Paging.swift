/// A list request: `?limit=&cursor=`; the cursor is the id of the last item of the previous page.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 50
    public static let maximumLimit = 250

    public var limit: Int
    public var cursor: String?

    public init(limit: Int = PageRequest.defaultLimit, cursor: String? = nil) {
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of a list and the cursor for the next one (nil when this is the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// Builds a page from up to `limit + 1` fetched rows: the extra row only says there is more.
    public init(fetched: [Item], limit: Int, id: (Item) -> String) {
        if fetched.count > limit {
            self.items = Array(fetched.prefix(limit))
            self.nextCursor = self.items.last.map(id)
        } else {
            self.items = fetched
            self.nextCursor = nil
        }
    }

    public func map<Other>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), nextCursor: nextCursor)
    }
}
