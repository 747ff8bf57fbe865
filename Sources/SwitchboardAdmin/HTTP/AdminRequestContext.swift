import Hummingbird
import HummingbirdAuth
import SwitchboardAPI
import SwitchboardCore

/// The request context of the admin pages: the API's context with the session and the signed-in key.
public struct AdminRequestContext: ChildRequestContext, SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let sessions: SessionContext<AdminSession>
    /// The signed-in key, once `AdminSignedInMiddleware` has checked it.
    var user: AdminUser?
    /// The form of a POST, read once by `AdminSignedInMiddleware` (the CSRF token is in it).
    var form = FormFields()

    public init(context: SwitchboardRequestContext) {
        coreContext = context.coreContext
        sessions = SessionContext()
    }
}

/// What the session cookie stands for, kept in the database: the key that signed in and the CSRF token.
public struct AdminSession: Codable, Sendable, Equatable {
    public var keyId: String
    /// Every state-changing form must send this back.
    public var csrfToken: String
}

/// The signed-in key as the pages use it; the role is read afresh from the key on every request.
struct AdminUser: Sendable {
    var keyId: String
    var keyName: String
    var workspaceId: String
    var role: Role
    var csrfToken: String

    var canEdit: Bool { role.allows(.write) }
}

extension AdminRequestContext {
    func signedIn() throws -> AdminUser {
        guard let user else { throw AdminError.signInRequired }
        return user
    }

    /// The signed-in key, refused with 403 when its role may not change anything.
    func editor() throws -> AdminUser {
        let user = try signedIn()
        guard user.canEdit else { throw AdminError.forbidden("A key with role \(user.role.rawValue) can look but not change anything.") }
        return user
    }

    /// The signed-in key, refused with 403 unless it is an admin's (keys and workspaces).
    func admin() throws -> AdminUser {
        let user = try signedIn()
        guard user.role == .admin else { throw AdminError.forbidden("Only an admin key manages keys and workspaces.") }
        return user
    }
}
