import FluentKit
import Foundation
import LiaisonCore

/// A person receiving care. Who may see this row is decided by `PatientAccessPolicy` alone.
public final class Patient: Model, @unchecked Sendable {
    public static let schema = "patients"

    @ID(key: .id) public var id: UUID?
    @Field(key: "given_name") public var givenName: String
    @Field(key: "family_name") public var familyName: String
    @Field(key: "date_of_birth") public var dateOfBirth: String
    /// Folded name and birth date, for duplicate detection.
    @Field(key: "match_key") public var matchKey: String
    @Field(key: "pronouns") public var pronouns: String
    @Field(key: "phone") public var phone: String
    @Field(key: "email") public var email: String
    @Field(key: "address") public var address: String
    @Field(key: "preferred_language") public var preferredLanguage: String
    @Field(key: "registered_by") public var registeredBy: UUID
    @OptionalField(key: "registered_organisation_id") public var registeredOrganisationID: UUID?
    @OptionalField(key: "portal_user_id") public var portalUserID: UUID?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(details: PatientDetails, registeredBy: UUID, organisationID: UUID?, createdAt: Date) {
        self.registeredBy = registeredBy
        self.registeredOrganisationID = organisationID
        self.createdAt = createdAt
        apply(details)
    }

    public func apply(_ details: PatientDetails) {
        givenName = details.givenName
        familyName = details.familyName
        dateOfBirth = details.dateOfBirth.description
        matchKey = details.matchKey
        pronouns = details.pronouns
        phone = details.phone
        email = details.email
        address = details.address
        preferredLanguage = details.preferredLanguage
    }

    public var details: PatientDetails {
        PatientDetails(
            givenName: givenName, familyName: familyName, dateOfBirth: DateOnly(dateOfBirth) ?? DateOnly(year: 1900, month: 1, day: 1)!,
            pronouns: pronouns, phone: phone, email: email, address: address, preferredLanguage: preferredLanguage)
    }
}

/// A patient's identifier at one organisation (a medical record number).
public final class PatientIdentifier: Model, @unchecked Sendable {
    public static let schema = "patient_identifiers"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Parent(key: "organisation_id") public var organisation: Organisation
    @Field(key: "value") public var value: String

    public init() {}

    public init(patientID: UUID, organisationID: UUID, value: String) {
        self.$patient.id = patientID
        self.$organisation.id = organisationID
        self.value = value
    }
}

/// One field of a patient's demographics as it was before a treating clinician corrected it:
/// the record's history, kept for good.
public final class PatientCorrection: Model, @unchecked Sendable {
    public static let schema = "patient_corrections"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    /// `givenName`, `dateOfBirth`, … or `identifier` for a record number.
    @Field(key: "field") public var field: String
    /// What the person reading the history sees: "Date of birth", "Record number at Riverside".
    @Field(key: "label") public var label: String
    @Field(key: "old_value") public var oldValue: String
    @Field(key: "new_value") public var newValue: String
    @Field(key: "reason") public var reason: String
    @Parent(key: "corrected_by") public var correctedBy: UserAccount
    @Field(key: "corrected_at") public var correctedAt: Date

    public init() {}

    public init(patientID: UUID, change: PatientDetails.Change, reason: String, by userID: UUID, at moment: Date) {
        self.$patient.id = patientID
        field = change.field
        label = change.label
        oldValue = change.old
        newValue = change.new
        self.reason = reason
        self.$correctedBy.id = userID
        correctedAt = moment
    }
}
