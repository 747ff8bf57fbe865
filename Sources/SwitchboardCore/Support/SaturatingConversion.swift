/// Conversions from `Double` to integers that never trap: `Int64(x)` stops the process when x is
/// NaN, infinite or out of range, and numbers from input can be all of those.
extension Int64 {
    /// `value` rounded down, clamped to `Int64.min...Int64.max`; nil for NaN.
    public init?(flooringSaturating value: Double) {
        let floored = value.rounded(.down)
        if floored.isNaN { return nil }
        // 2^63 is exact as a Double; Int64.max is not, and converting it back would trap.
        if floored >= 9_223_372_036_854_775_808.0 {
            self = .max
        } else if floored < -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int64(floored)
        }
    }
}
