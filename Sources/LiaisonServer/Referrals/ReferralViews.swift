import Foundation
import LiaisonCore
import LiaisonData

/// A worklist line as the page shows it.
struct WorklistLine: Sendable {
    let patient: String
    let counterpart: String
    let urgency: String
    let state: String
    let owed: String
    let due: String?
    let overdue: Bool
    /// "overdue", or "overdue by 2 business days" once a business day has passed.
    let lateness: String
    let dueSoon: Bool
    let href: String
    /// Where an administrator chases it from the organisation's report.
    let chasePath: String

    init(_ item: ReferralWorklists.Item) {
        patient = item.patient.map { "\($0.family), \($0.given)" } ?? ReferralReference.short(item.referralID)
        counterpart = item.counterpart
        urgency = item.urgency.label
        state = item.state.label
        owed = item.owed
        // Things fall due at the end of a business day: the day says it ("Wed, 2 Dec 2026").
        due = item.due.map { DisplayDate.day($0, in: item.calendar.timeZone) }
        overdue = item.status == .overdue
        let late = item.businessDaysLate
        lateness = late == 0 ? "overdue" : "overdue by \(late) business day\(late == 1 ? "" : "s")"
        dueSoon = item.status == .dueSoon
        href = SiteURL.referral(item.referralID).path
        chasePath = SiteURL.referralChase(item.referralID).path
    }
}

/// A worklist's lines, and how many more there are than it shows.
struct WorklistSection: Sendable {
    let lines: [WorklistLine]
    /// `nil` rather than 0 so the template shows no badge or note.
    let overdue: Int?
    let hidden: Int?

    init(_ list: ReferralWorklists.List) {
        lines = list.items.map(WorklistLine.init)
        overdue = list.overdue == 0 ? nil : list.overdue
        hidden = list.total > list.items.count ? list.total - list.items.count : nil
    }
}

struct WorklistsPage: Sendable {
    let owed: WorklistSection
    let waiting: WorklistSection
    let newPath = SiteURL.newReferral.path
}

/// The form for a new referral: the patient, a recipient found in the directory, and the letter.
struct NewReferralPage: Sendable {
    struct Candidate: Sendable {
        let id: String
        let name: String
        let detail: String
        let openings: String
        let policy: String
        let selected: Bool
    }

    let form: FormState
    let patients: [Choice]
    let candidates: [Candidate]
    let intakes: [Choice]
    let urgencies: [Choice]
    let sections: [NoteField]
    let searchQuery: [String: String]
    let disciplines: [Choice]
    let services: [Choice]
    let action = SiteURL.referrals.path
    let searchAction = SiteURL.newReferral.path

    /// With a patient chosen: the ranked match list for them (who fits, and why).
    var matchPath: String?
}

/// One section of a structured note form, with its guidance.
struct NoteField: Sendable {
    let key: String
    let title: String
    let guidance: String
    let required: Bool
    let value: String
    let error: String?

    static func fields(_ kind: LetterKind, form: FormState) -> [NoteField] {
        Letter.template(kind).map {
            NoteField(key: $0.key, title: $0.title, guidance: $0.guidance, required: $0.required, value: form.values[$0.key] ?? "", error: form.errors[$0.key])
        }
    }
}

/// A referral's page for one side of the loop.
struct ReferralPage: Sendable {
    struct NoteView: Sendable {
        let title: String
        let author: String
        let at: String
        let sections: [Letter.Section]
        let letterPath: String
    }

    struct ActionForm: Sendable {
        let action: String
        let label: String
        let path: String
        let fields: [NoteField]
        let needsReason: Bool
        let needsRedirect: Bool
        let needsDate: Bool
        let needsRole: Bool
        let roles: [Choice]
        let danger: Bool
        /// What was typed as the reason, when this form came back with an error.
        let reason: String
        /// The form that came back with an error is the one open; the others stay closed.
        let open: Bool
    }

    let patient: String
    let dateOfBirth: String
    let patientHref: String?
    let referrer: String
    let recipient: String
    let urgency: String
    let state: String
    let side: String
    let due: String?
    let overdue: Bool
    let endedReason: String?
    /// "First appointment Tue 8 Dec", once the recipient has recorded it.
    let firstAppointment: String?
    let letter: [Letter.Section]
    let letterPath: String
    let notes: [NoteView]
    let actions: [ActionForm]
    let hasActions: Bool
    /// What the other side may do now, and why the viewer cannot.
    let unavailable: [String]
    let form: FormState

    init(_ loaded: ReferralService.Loaded, now: Date, form: FormState = .empty) {
        let referral = loaded.referral
        let id = referral.id!
        let zone = loaded.organisation?.calendar.timeZone ?? .gmt
        patient = "\(referral.patient.givenName) \(referral.patient.familyName)"
        dateOfBirth = referral.patient.dateOfBirth
        patientHref = loaded.callerOnTeam ? SiteURL.patient(referral.$patient.id).path : nil
        referrer = referral.referrer.displayName
        recipient = referral.recipient?.displayName ?? "\(loaded.organisation?.name ?? "Organisation") intake"
        urgency = referral.referralUrgency.label
        state = referral.referralState.label
        side = loaded.side == .referrer ? "You referred this patient." : "This referral is addressed to you."
        if referral.referralState.awaitsAcknowledgement, let dueAt = referral.acknowledgementDueAt {
            due = "Acknowledgement due \(DisplayDate.dateTime(dueAt, in: zone))"
            overdue = now > dueAt
        } else if referral.referralState == .inCare, let dueAt = referral.closingDueAt {
            due = "Closing summary due \(DisplayDate.dateTime(dueAt, in: zone))"
            overdue = now > dueAt
        } else {
            due = nil
            overdue = false
        }
        endedReason = referral.endedReason
        firstAppointment = referral.firstAppointmentAt.map { "First appointment \(DisplayDate.day($0, in: zone))" }
        letter = referral.letterNote?.sections ?? []
        letterPath = SiteURL.referralLetter(referral: id, note: nil).path
        notes = loaded.notes.compactMap { record in
            guard let note = record.note else { return nil }
            return NoteView(
                title: note.kind.label, author: record.author.displayName, at: DisplayDate.dateTime(record.createdAt, in: zone),
                sections: note.sections, letterPath: SiteURL.referralLetter(referral: id, note: record.id!).path)
        }
        let allowed = ReferralStateMachine.allowedActions(in: referral.referralState, for: loaded.side)
            .filter { !($0 == .discharge && referral.dischargedAt != nil) && $0 != .receive }
        actions = allowed.map { action in
            let kind: LetterKind? = switch action {
            case .accept: .acknowledgement
            case .progress: .progress
            case .close: .closing
            default: nil
            }
            return ActionForm(
                action: action.rawValue, label: action.label, path: SiteURL.referralAction(id, action).path,
                fields: kind.map { NoteField.fields($0, form: form) } ?? [],
                needsReason: action == .decline || action == .cancel, needsRedirect: action == .decline,
                needsDate: action == .schedule, needsRole: action == .accept,
                roles: Choice.all(CareTeamRole.self, selected: nil), danger: action == .decline || action == .cancel,
                reason: form.values["_action"] == action.rawValue ? form.values["reason"] ?? "" : "",
                open: form.values["_action"] == action.rawValue)
        }
        hasActions = !actions.isEmpty
        unavailable = ReferralStateMachine.unavailableActions(in: referral.referralState, for: loaded.side).map { "\($0.action.label): \($0.reason)" }
        self.form = form
    }
}

/// Loop metrics for an organisation, with an inline SVG chart.
struct ReferralReportPage: Sendable {
    struct Row: Sendable {
        let name: String
        let referrals: Int
        let median: String
        let p90: String
        let closed: String
        let overdue: Int
    }

    let organisation: String
    let organisations: [Choice]
    let action = SiteURL.referralReport.path
    let from: String
    let to: String
    let total: Row
    let rows: [Row]
    let chart: String
    let overdue: [OverdueLine]
    /// How many more are overdue than shown; nil for none.
    let hiddenOverdue: Int?
    let errors: [String]

    /// An overdue acknowledgement, by reference (the administrator is not treating the patient),
    /// with the form that chases it.
    struct OverdueLine: Sendable {
        let reference: String
        let counterpart: String
        let urgency: String
        let due: String
        let chasePath: String
        let organisation: String
    }

    static func overdue(_ section: WorklistSection, organisation: UUID) -> [OverdueLine] {
        section.lines.map {
            OverdueLine(
                reference: $0.patient, counterpart: $0.counterpart, urgency: $0.urgency, due: $0.due ?? "–", chasePath: $0.chasePath,
                organisation: organisation.uuidString.lowercased())
        }
    }

    static func row(_ name: String, _ metrics: LoopMetrics) -> Row {
        Row(
            name: name, referrals: metrics.referrals, median: hours(metrics.medianHoursToAcknowledge), p90: hours(metrics.p90HoursToAcknowledge),
            closed: metrics.closedShare.map { "\(metrics.closed) of \(metrics.accepted) (\(Int(($0 * 100).rounded()))%)" } ?? "none accepted yet", overdue: metrics.overdue)
    }

    static func hours(_ value: Double?) -> String {
        guard let value else { return "–" }
        return value < 48 ? String(format: "%.0f h", value) : String(format: "%.1f days", value / 24)
    }
}

/// A horizontal bar chart as inline SVG: no scripts, readable without colour, with a text title.
enum BarChart {
    static func svg(title: String, bars: [(label: String, value: Double, text: String)]) -> String {
        let rowHeight = 28, labelWidth = 220, barWidth = 360
        let height = max(1, bars.count) * rowHeight + 30
        let maximum = max(bars.map(\.value).max() ?? 1, 1)
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"chart-title\" width=\"\(labelWidth + barWidth + 80)\" height=\(height) viewBox=\"0 0 \(labelWidth + barWidth + 80) \(height)\">",
                     "<title id=\"chart-title\">\(escape(title))</title>"]
        for (index, bar) in bars.enumerated() {
            let y = 10 + index * rowHeight
            let width = Int((bar.value / maximum) * Double(barWidth))
            parts.append("<text x=\"0\" y=\"\(y + 17)\" font-size=\"13\" fill=\"#1d2733\">\(escape(String(bar.label.prefix(30))))</text>")
            parts.append("<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(max(width, 1))\" height=\"18\" fill=\"#1f5f99\"></rect>")
            parts.append("<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 17)\" font-size=\"13\" fill=\"#1d2733\">\(escape(bar.text))</text>")
        }
        parts.append("</svg>")
        return parts.joined()
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
