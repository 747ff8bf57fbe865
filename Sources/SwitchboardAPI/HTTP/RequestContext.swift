import Foundation
import Hummingbird

/// The request context of every route.
public struct SwitchboardRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API key's workspace and role, once `AccessMiddleware` has checked them.
    var caller: Principal?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}

extension SwitchboardRequestContext {
    /// The checked caller of a route that asks for an API key.
    func principal() throws -> Principal {
        guard let caller else { throw APIError.unauthorized("an API key is required: Authorization: Bearer <key>") }
        return caller
    }
}
