import Foundation

/// Dates as people read them on pages (ISO 8601 in the API).
enum DisplayDate {
    static func dateTime(_ date: Date, in zone: TimeZone = .gmt) -> String {
        var style = Date.FormatStyle(date: .abbreviated, time: .shortened)
        style.timeZone = zone
        return date.formatted(style)
    }

    /// A time with its zone named ("27 Nov 2026, 14:30 EST"), where a reader elsewhere could misread it.
    static func dateTime(_ date: Date, in zone: TimeZone, named: Bool) -> String {
        let text = dateTime(date, in: zone)
        guard named else { return text }
        return "\(text) \(zone.abbreviation(for: date) ?? zone.identifier)"
    }

    /// A day, for dates that have no meaningful time ("Mon, 1 Feb 2027").
    static func day(_ date: Date, in zone: TimeZone = .gmt) -> String {
        var style = Date.FormatStyle().weekday(.abbreviated).day().month(.abbreviated).year()
        style.timeZone = zone
        return date.formatted(style)
    }
}
