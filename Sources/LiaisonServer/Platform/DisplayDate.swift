import Foundation

/// Dates as people read them on pages (ISO 8601 in the API): in the reader's time zone, set for
/// the whole request by `AuthenticationMiddleware`. A time written in another zone (an
/// organisation's, a hospital's) names its zone, so nobody misreads it.
enum DisplayDate {
    /// The zone of the person the page is for; GMT outside a signed-in request.
    @TaskLocal static var viewer: TimeZone = .gmt

    /// In the reader's zone by default; in another, with that zone named.
    static func dateTime(_ date: Date, in zone: TimeZone = viewer) -> String {
        dateTime(date, in: zone, named: zone.identifier != viewer.identifier)
    }

    /// A time with its zone named ("27 Nov 2026, 14:30 EST") when `named`.
    static func dateTime(_ date: Date, in zone: TimeZone, named: Bool) -> String {
        var style = Date.FormatStyle(date: .abbreviated, time: .shortened)
        style.timeZone = zone
        let text = date.formatted(style)
        guard named else { return text }
        return "\(text) \(zone.abbreviation(for: date) ?? zone.identifier)"
    }

    /// A day, for dates that have no meaningful time ("Mon, 1 Feb 2027").
    static func day(_ date: Date, in zone: TimeZone = viewer) -> String {
        var style = Date.FormatStyle().weekday(.abbreviated).day().month(.abbreviated).year()
        style.timeZone = zone
        return date.formatted(style)
    }
}
