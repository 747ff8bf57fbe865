import Hummingbird

/// A refusal the admin panel shows as a page (never the API's JSON).
enum AdminError: Error {
    /// No session, or it expired: back to the sign-in page.
    case signInRequired
    case forbidden(String)
    case notFound(String)
    case badRequest(String)

    var status: HTTPResponse.Status {
        switch self {
        case .signInRequired: .seeOther
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .badRequest: .badRequest
        }
    }

    var message: String {
        switch self {
        case .signInRequired: "Please sign in."
        case .forbidden(let message), .notFound(let message), .badRequest(let message): message
        }
    }
}
