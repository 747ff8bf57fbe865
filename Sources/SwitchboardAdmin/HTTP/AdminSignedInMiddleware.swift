import Foundation
import Hummingbird
import HummingbirdAuth
import SwitchboardCore
import SwitchboardStorage

/// In front of every page but sign-in: the session's key must still exist (its role is read
/// afresh, so a changed or deleted key takes effect at once), and every POST must carry the
/// session's CSRF token and come from a role that may change things.
struct AdminSignedInMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext
    let keys: any TenancyStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let session = context.sessions.session else { throw AdminError.signInRequired }
        guard let key = try await keys.apiKey(id: session.keyId) else {
            context.sessions.clearSession()
            throw AdminError.signInRequired
        }
        var context = context
        context.user = AdminUser(keyId: key.id, keyName: key.name, workspaceId: key.workspaceId, role: key.role, csrfToken: session.csrfToken)
        var request = request
        if request.method == .post {
            context.form = try await FormFields.read(&request)
            guard let token = context.form.raw("csrf"), Self.same(token, session.csrfToken) else {
                throw AdminError.forbidden("This form has expired or did not come from this panel. Go back, reload the page and try again.")
            }
            // Anyone may sign out; everything else posted changes the workspace.
            if !request.uri.path.hasSuffix("/sign-out") { _ = try context.editor() }
        }
        return try await next(request, context)
    }

    /// Compares without stopping at the first difference, so timing tells nothing about the token.
    static func same(_ left: String, _ right: String) -> Bool {
        let (a, b) = (Array(left.utf8), Array(right.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
