import AsyncHTTPClient
import Synchronization

/// HTTP clients that connect one host to one checked address (`dnsOverride`), keeping the URL's
/// Host header and TLS server name and certificate check. AsyncHTTPClient has no per-request
/// resolver, so each (host, address) gets a client of its own, with its own connection pool.
/// At most `capacity` are kept; the least recently used one is dropped and shut down once the
/// requests it carries are done. Process-wide, like the shared client: a client must be shut
/// down before it is released.
final class PinnedClients: Sendable {
    static let shared = PinnedClients(capacity: 256)

    struct Key: Hashable, Sendable {
        var host: String
        var address: String
    }

    private struct Entry {
        let client: HTTPClient
        var inFlight: Int
        var lastUse: UInt64
    }

    private struct State {
        var live: [Key: Entry] = [:]
        /// Dropped from `live` while requests were still using them.
        var retiring: [ObjectIdentifier: Entry] = [:]
        var uses: UInt64 = 0
    }

    let capacity: Int
    private let makeClient: @Sendable (_ host: String, _ address: String) -> HTTPClient
    private let state = Mutex(State())

    init(capacity: Int, makeClient: @escaping @Sendable (_ host: String, _ address: String) -> HTTPClient = WebhookSender.makePinnedClient) {
        self.capacity = max(capacity, 1)
        self.makeClient = makeClient
    }

    /// Runs `body` with the client for `host` pinned to `address`.
    func withClient<T: Sendable>(host: String, address: String, _ body: (HTTPClient) async -> T) async -> T {
        let key = Key(host: host, address: address)
        let client = acquire(key)
        defer { release(key, client) }
        return await body(client)
    }

    /// Clients kept for reuse, and clients dropped but still carrying requests.
    var counts: (live: Int, retiring: Int) { state.withLock { ($0.live.count, $0.retiring.count) } }

    private func acquire(_ key: Key) -> HTTPClient {
        let (client, dropped) = state.withLock { state -> (HTTPClient, HTTPClient?) in
            state.uses += 1
            if var entry = state.live[key] {
                entry.inFlight += 1
                entry.lastUse = state.uses
                state.live[key] = entry
                return (entry.client, nil)
            }
            var dropped: HTTPClient?
            if state.live.count >= capacity, let oldest = state.live.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.live[oldest.key] = nil
                if oldest.value.inFlight == 0 {
                    dropped = oldest.value.client
                } else {
                    state.retiring[ObjectIdentifier(oldest.value.client)] = oldest.value
                }
            }
            let client = makeClient(key.host, key.address)
            state.live[key] = Entry(client: client, inFlight: 1, lastUse: state.uses)
            return (client, dropped)
        }
        if let dropped { Self.shutDown(dropped) }
        return client
    }

    private func release(_ key: Key, _ client: HTTPClient) {
        let finished = state.withLock { state -> HTTPClient? in
            if var entry = state.live[key], entry.client === client {
                entry.inFlight -= 1
                state.live[key] = entry
                return nil
            }
            let id = ObjectIdentifier(client)
            guard var entry = state.retiring[id] else { return nil }
            entry.inFlight -= 1
            if entry.inFlight > 0 {
                state.retiring[id] = entry
                return nil
            }
            state.retiring[id] = nil
            return client
        }
        if let finished { Self.shutDown(finished) }
    }

    private static func shutDown(_ client: HTTPClient) {
        Task { try? await client.shutdown() }
    }
}
