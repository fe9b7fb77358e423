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
    }

    public var details: PatientDetails {
        PatientDetails(
            givenName: givenName, familyName: familyName, dateOfBirth: DateOnly(dateOfBirth) ?? DateOnly(year: 1900, month: 1, day: 1)!,
            pronouns: pronouns, phone: phone, email: email, address: address)
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
