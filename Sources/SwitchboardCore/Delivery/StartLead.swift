import Foundation

/// How far ahead of a lease its rate-limited starts are reserved: the node's recent delay from
/// leasing a request to reaching its start (a decaying maximum). Without it a busy node reaches
/// every slot after its tolerance, hands the request back and leases it again, over and over.
public struct StartLead: Sendable, Equatable {
    /// Half the lookahead: a lead never pushes a destination's next slot out of reach.
    public static let maximum: TimeInterval = LeasePlanner.rateLookahead / 2
    /// How much of the lead is kept for each start that came sooner.
    static let decay = 0.9

    public private(set) var seconds: TimeInterval = 0

    public init() {}

    /// A request leased at one time reached its start `delay` seconds later.
    public mutating func observe(delay: TimeInterval) {
        guard delay.isFinite else { return }
        seconds = min(Self.maximum, max(delay, seconds * Self.decay, 0))
    }
}
