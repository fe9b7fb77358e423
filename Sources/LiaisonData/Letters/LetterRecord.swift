import FluentKit
import Foundation

/// A structured letter one clinician on a patient's team sent another through Liaison (a
/// referral's own letter and notes live with the referral). The content is the `Letter` as
/// stored text; the author's role at the time is kept for the patient's consent rules.
public final class LetterRecord: Model, @unchecked Sendable {
    public static let schema = "letters"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Parent(key: "author_id") public var author: UserAccount
    @Field(key: "author_role") public var authorRole: String
    @Parent(key: "recipient_id") public var recipient: UserAccount
    @Field(key: "kind") public var kind: String
    @Field(key: "content") public var content: String
    @Field(key: "created_at") public var createdAt: Date
    /// When the recipient first opened it.
    @OptionalField(key: "read_at") public var readAt: Date?
    /// When its author shared it with the patient, who reads it in their portal from then on.
    @OptionalField(key: "released_at") public var releasedAt: Date?

    public init() {}

    public init(patientID: UUID, authorID: UUID, authorRole: String, recipientID: UUID, kind: String, content: String, createdAt: Date) {
        self.$patient.id = patientID
        self.$author.id = authorID
        self.authorRole = authorRole
        self.$recipient.id = recipientID
        self.kind = kind
        self.content = content
        self.createdAt = createdAt
    }
}
