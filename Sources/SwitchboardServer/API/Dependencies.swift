import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// What the controllers share: storage, the group committer, id and time sources, limits.
struct Dependencies: Sendable {
    var storage: any Storage
    var committer: EventGroupCommitter
    var sender: WebhookSender
    /// Wakes the dispatcher when new deliveries are due.
    var wake: WakeSignal
    var identifiers: IdentifierGenerator
    var now: @Sendable () -> Date
    var authenticator: Authenticator
    var body: JSONBodyReader
    /// Base URL that ingest URLs in responses start with.
    var publicURL: String
}
