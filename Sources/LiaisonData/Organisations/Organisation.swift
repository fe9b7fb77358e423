import FluentKit
import Foundation
import LiaisonCore

/// A practice, clinic, primary-care group or hospital.
public final class Organisation: Model, @unchecked Sendable {
    public static let schema = "organisations"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @Field(key: "time_zone") public var timeZone: String
    @Field(key: "business_days") public var businessDays: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "ack_routine_days") public var acknowledgeRoutineDays: Int
    /// Only clinicians with a licence recorded on their profile may use emergency access.
    @Field(key: "emergency_needs_licence") public var emergencyNeedsLicence: Bool
    /// Every member must sign in with a second factor.
    @Field(key: "require_two_factor") public var requireTwoFactor: Bool
    @Field(key: "ack_urgent_days") public var acknowledgeUrgentDays: Int
    @Field(key: "ack_emergent_days") public var acknowledgeEmergentDays: Int
    @Field(key: "closing_note_days") public var closingNoteDays: Int
    @Field(key: "escalation_days") public var escalationDays: Int
    @Field(key: "expiry_days") public var expiryDays: Int
    @Field(key: "offer_hold_days") public var offerHoldDays: Int
    @Field(key: "consultation_grace_days") public var consultationGraceDays: Int
    @Field(key: "review_weeks") public var reviewWeeks: Int
    @Field(key: "care_event_hours") public var careEventHours: Int
    /// What a patient in crisis reads (`CrisisResources.standard` when nil).
    @OptionalField(key: "crisis_text") public var crisisText: String?
    /// Days it is closed, one per line (`Holidays.encode`).
    @Field(key: "holidays") public var storedHolidays: String

    public init() {}

    public init(id: UUID? = nil, settings: OrganisationSettings, createdAt: Date) {
        self.id = id
        self.createdAt = createdAt
        apply(settings)
        apply(ServiceLevelTargets.standard)
        emergencyNeedsLicence = false
        requireTwoFactor = false
        storedHolidays = ""
    }

    public var holidays: [Holiday] {
        get { Holidays.decode(storedHolidays) }
        set { storedHolidays = Holidays.encode(newValue) }
    }

    public var safeguards: OrganisationSafeguards {
        get { OrganisationSafeguards(emergencyNeedsLicence: emergencyNeedsLicence, requireTwoFactor: requireTwoFactor) }
        set {
            emergencyNeedsLicence = newValue.emergencyNeedsLicence
            requireTwoFactor = newValue.requireTwoFactor
        }
    }

    public var targets: ServiceLevelTargets {
        ServiceLevelTargets(
            acknowledgementDays: [.routine: acknowledgeRoutineDays, .urgent: acknowledgeUrgentDays, .emergent: acknowledgeEmergentDays],
            closingNoteDays: closingNoteDays, escalationDays: escalationDays, expiryDays: expiryDays, offerHoldDays: offerHoldDays,
            consultationGraceDays: consultationGraceDays, reviewWeeks: reviewWeeks, careEventHours: careEventHours)
    }

    public func apply(_ targets: ServiceLevelTargets) {
        acknowledgeRoutineDays = targets.acknowledgementDays[.routine] ?? 3
        acknowledgeUrgentDays = targets.acknowledgementDays[.urgent] ?? 1
        acknowledgeEmergentDays = targets.acknowledgementDays[.emergent] ?? 0
        closingNoteDays = targets.closingNoteDays
        escalationDays = targets.escalationDays
        expiryDays = targets.expiryDays
        offerHoldDays = targets.offerHoldDays
        consultationGraceDays = targets.consultationGraceDays
        reviewWeeks = targets.reviewWeeks
        careEventHours = targets.careEventHours
    }

    public var calendar: BusinessCalendar {
        BusinessCalendar(
            timeZone: TimeZone(identifier: timeZone) ?? .gmt, businessDays: Weekday.decode(businessDays), holidays: Set(holidays.map(\.day)))
    }

    public func apply(_ settings: OrganisationSettings) {
        name = settings.name
        kind = settings.kind.rawValue
        timeZone = settings.timeZone.identifier
        businessDays = Weekday.encode(settings.businessDays)
    }

    public var settings: OrganisationSettings {
        OrganisationSettings(
            name: name, kind: OrganisationKind(rawValue: kind) ?? .other,
            timeZone: TimeZone(identifier: timeZone) ?? .gmt, businessDays: Weekday.decode(businessDays))
    }
}
