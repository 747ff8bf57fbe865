/// A refusal or a failure, said plainly, with a way back.
enum ErrorTemplate {
    static let template = #"""
    <p class="notice error">{{message}}</p>
    <p><a href="/admin">Back to the dashboard</a></p>
    """#
}
