import Foundation

/// Dates as people read them on pages (ISO 8601 in the API).
enum DisplayDate {
    static func dateTime(_ date: Date, in zone: TimeZone = .gmt) -> String {
        var style = Date.FormatStyle(date: .abbreviated, time: .shortened)
        style.timeZone = zone
        return date.formatted(style)
    }
}
