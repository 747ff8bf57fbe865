import Foundation
import Hummingbird
import NIOCore
import Mustache
import SwitchboardCore

/// The page templates, compiled once at start from the string literals in Templates/, and the
/// layout every page is rendered into. Mustache's `{{name}}` escapes HTML: user text stays text.
struct AdminRenderer: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for (name, template) in AdminTemplates.all {
            try library.register(template, named: name)
        }
        self.library = library
    }

    /// A page inside the layout, as an HTML response.
    func page(_ name: String, title: String, data: [String: Any], user: AdminUser?, status: HTTPResponse.Status = .ok, section: String? = nil) -> Response {
        var data = data
        if let user {
            data["user"] = ["name": user.keyName, "role": user.role.rawValue, "csrf": user.csrfToken, "canEdit": user.canEdit, "isAdmin": user.role == .admin] as [String: Any]
            data["canEdit"] = user.canEdit
            data["csrf"] = user.csrfToken
        }
        let body = library.render(data, withTemplate: name) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        layout["user"] = data["user"]
        if let section { layout["nav_" + section] = true }
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
