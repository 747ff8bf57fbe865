import Foundation
import Hummingbird
import HummingbirdAuth
import SwitchboardCore
import SwitchboardStorage

/// Sign in with an API key, sign out.
struct SignInPages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("sign-in") { _, context in
            if context.sessions.session != nil { return Response.redirect(to: "/admin", type: .normal) }
            return panel.renderer.page("signIn", title: "Sign in", data: [:], user: nil)
        }
        group.post("sign-in") { request, context in
            var request = request
            let form = try await FormFields.read(&request, limit: 16 * 1024)
            guard let key = form.raw("key")?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty,
                let record = try await panel.storage.apiKey(hash: Secrets.hash(apiKey: key))
            else {
                return panel.renderer.page(
                    "signIn", title: "Sign in", data: ["error": "That API key is not valid. Check it and try again."], user: nil, status: .unauthorized)
            }
            // A fresh session id on every sign-in: a cookie planted before it is worth nothing.
            context.sessions.createSession(AdminSession(keyId: record.id, csrfToken: Secrets.randomHex(bytes: 32)), expiresIn: AdminPanel.sessionLifetime)
            return Response.redirect(to: "/admin", type: .normal)
        }
    }

    func registerSignOut(on group: RouterGroup<AdminRequestContext>) {
        group.post("sign-out") { _, context in
            context.sessions.clearSession()
            return Response.redirect(to: "/admin/sign-in", type: .normal)
        }
    }
}
