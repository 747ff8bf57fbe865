import Foundation

/// LIKE patterns both databases read the same way (backslash escapes).
enum LikePattern {
    /// `text%`, with LIKE's own characters in `text` taken literally.
    static func prefix(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
