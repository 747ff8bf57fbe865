import Hummingbird

/// The page that asks before a delete: a GET shows it, its button posts the delete (with the
/// CSRF token), so it needs no JavaScript and a stray link deletes nothing.
enum ConfirmDelete {
    static func page(
        _ panel: AdminPanel, user: AdminUser, title: String, question: String, consequence: String, action: String, cancel: String, section: String
    ) -> Response {
        panel.renderer.page(
            "confirmDelete", title: title,
            data: ["question": question, "consequence": consequence, "action": action, "cancel": cancel, "confirm": "Delete"], user: user,
            section: section)
    }
}
