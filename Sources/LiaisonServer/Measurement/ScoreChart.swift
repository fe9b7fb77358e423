import Foundation
import LiaisonCore
import LiaisonData

/// One instrument's scores over time as an inline SVG: the severity bands shaded, the baseline as
/// a dashed line, the response threshold (half the baseline) and remission (below 5, PHQ-9 and
/// GAD-7) marked, each score a point. A title and description carry the same for screen readers,
/// and the page lists the scores in a table as well.
struct ScoreChart: Sendable {
    struct Point: Sendable {
        let date: String
        let total: Int
        let band: String
        let byClinician: Bool
    }

    let title: String
    /// What the chart shows, in words: first and latest scores, change, response or remission.
    let summary: String
    let svg: String
    let points: [Point]

    static let width = 640.0, height = 220.0, left = 36.0, right = 12.0, top = 12.0, bottom = 28.0
    static let shades = ["#e8f5e9", "#f1f8e9", "#fff8e1", "#fff3e0", "#ffebee"]

    init(_ kind: InstrumentKind, responses: [QuestionnaireResponse]) {
        let instrument = kind.instrument
        let sorted = responses.sorted { $0.completedAt < $1.completedAt }
        title = instrument.title
        points = sorted.map { Point(date: DisplayDate.day($0.completedAt), total: $0.total, band: $0.band, byClinician: $0.onBehalf) }
        let baseline = sorted.first?.total ?? 0, latest = sorted.last?.total ?? 0
        summary = Self.words(kind, baseline: baseline, latest: latest, first: sorted.first, last: sorted.last, count: sorted.count)

        let maximum = Double(max(instrument.maximum, 1))
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        func y(_ score: Double) -> Double { Self.top + plotHeight * (1 - score / maximum) }
        let start = sorted.first?.completedAt.timeIntervalSince1970 ?? 0
        let span = max((sorted.last?.completedAt.timeIntervalSince1970 ?? 0) - start, 1)
        func x(_ date: Date) -> Double {
            sorted.count < 2 ? Self.left + plotWidth / 2 : Self.left + plotWidth * (date.timeIntervalSince1970 - start) / span
        }
        var parts: [String] = []
        let id = "chart-\(kind.rawValue)"
        parts.append(##"<svg class="score-chart" viewBox="0 0 \##(Int(Self.width)) \##(Int(Self.height))" role="img" aria-labelledby="\##(id)-title \##(id)-desc" xmlns="http://www.w3.org/2000/svg">"##)
        parts.append(##"<title id="\##(id)-title">\##(Self.escape(instrument.title)) scores over time</title>"##)
        parts.append(##"<desc id="\##(id)-desc">\##(Self.escape(summary))</desc>"##)
        // Severity bands, lowest first.
        for (index, band) in instrument.bands.enumerated() {
            let upper = Double(band.range.upperBound) + (index == instrument.bands.count - 1 ? 0 : 1)
            let lower = Double(band.range.lowerBound)
            let shade = Self.shades[min(index * max(1, Self.shades.count / max(instrument.bands.count, 1)), Self.shades.count - 1)]
            parts.append(##"<rect x="\##(Self.left)" y="\##(Self.round(y(upper)))" width="\##(plotWidth)" height="\##(Self.round(y(lower) - y(upper)))" fill="\##(shade)"><title>\##(Self.escape(band.label)): \##(band.range.lowerBound)–\##(band.range.upperBound)</title></rect>"##)
            parts.append(##"<text x="\##(Self.left + 4)" y="\##(Self.round(y(upper) + 11))" class="band-label" font-size="9" fill="#555">\##(Self.escape(band.label))</text>"##)
        }
        // Axis ticks at each band's lower bound and the maximum.
        for tick in Set(instrument.bands.map(\.range.lowerBound) + [instrument.maximum]).sorted() {
            parts.append(##"<text x="\##(Self.left - 4)" y="\##(Self.round(y(Double(tick)) + 3))" font-size="9" text-anchor="end" fill="#333">\##(tick)</text>"##)
        }
        if !sorted.isEmpty {
            parts.append(##"<line x1="\##(Self.left)" x2="\##(Self.width - Self.right)" y1="\##(Self.round(y(Double(baseline))))" y2="\##(Self.round(y(Double(baseline))))" stroke="#1f5f99" stroke-dasharray="4 3"><title>Baseline \##(baseline)</title></line>"##)
            if baseline > 0 {
                let response = Double(baseline) / 2
                parts.append(##"<line x1="\##(Self.left)" x2="\##(Self.width - Self.right)" y1="\##(Self.round(y(response)))" y2="\##(Self.round(y(response)))" stroke="#2e7d32" stroke-dasharray="1 3"><title>Response: 50% below baseline (\##(Self.format(response)))</title></line>"##)
            }
            if kind == .phq9 || kind == .gad7 {
                parts.append(##"<line x1="\##(Self.left)" x2="\##(Self.width - Self.right)" y1="\##(Self.round(y(5)))" y2="\##(Self.round(y(5)))" stroke="#2e7d32"><title>Remission: below 5</title></line>"##)
            }
            let line = sorted.map { "\(Self.round(x($0.completedAt))),\(Self.round(y(Double($0.total))))" }.joined(separator: " ")
            parts.append(##"<polyline points="\##(line)" fill="none" stroke="#1b1b1b" stroke-width="2"/>"##)
            for response in sorted {
                parts.append(##"<circle cx="\##(Self.round(x(response.completedAt)))" cy="\##(Self.round(y(Double(response.total))))" r="4" fill="#1b1b1b"><title>\##(Self.escape(DisplayDate.day(response.completedAt))): \##(response.total) (\##(Self.escape(response.band)))</title></circle>"##)
            }
            if let first = sorted.first, let last = sorted.last {
                parts.append(##"<text x="\##(Self.left)" y="\##(Self.height - 8)" font-size="10" fill="#333">\##(Self.escape(DisplayDate.day(first.completedAt)))</text>"##)
                if sorted.count > 1 {
                    parts.append(##"<text x="\##(Self.width - Self.right)" y="\##(Self.height - 8)" font-size="10" text-anchor="end" fill="#333">\##(Self.escape(DisplayDate.day(last.completedAt)))</text>"##)
                }
            }
        }
        parts.append("</svg>")
        svg = parts.joined()
    }

    static func words(_ kind: InstrumentKind, baseline: Int, latest: Int, first: QuestionnaireResponse?, last: QuestionnaireResponse?, count: Int) -> String {
        guard let first, let last else { return "No scores yet." }
        let title = kind.instrument.title
        if count == 1 { return "\(title): one score, \(first.total) (\(first.band)) on \(DisplayDate.day(first.completedAt)). This is the baseline." }
        var text = "\(title): \(count) scores, from \(baseline) (\(first.band), baseline, \(DisplayDate.day(first.completedAt))) to \(latest) (\(last.band), \(DisplayDate.day(last.completedAt)))"
        if let change = Outcome.change(baseline: baseline, latest: latest) {
            text += ", \(change <= 0 ? "down" : "up") \(Int((abs(change) * 100).rounded()))% from baseline"
        }
        if Outcome.isRemission(kind, latest: latest) {
            text += "; in remission (below 5)"
        } else if Outcome.isResponse(baseline: baseline, latest: latest) {
            text += "; a response (at least 50% below baseline)"
        }
        return text + "."
    }

    static func round(_ value: Double) -> String { String(format: "%.1f", value) }
    static func format(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
