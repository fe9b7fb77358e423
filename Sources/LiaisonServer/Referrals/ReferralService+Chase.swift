import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

extension ReferralService {
    /// An administrator of the organisation an overdue referral is owed at asks its recipients to
    /// answer it, at most once a day. The recipients are told in the app (with the patient's name:
    /// the referral is addressed to them) and by email (its reference and a link); the
    /// administrator, who is not treating the patient, sees only the reference.
    ///
    /// - Returns: how many people were asked.
    func chase(_ id: UUID, by caller: Caller) async throws -> Int {
        try await database.write { db in
            guard let referral = try await ReferralQueries.lockForChange(id, on: db),
                  let organisation = referral.recipientOrganisation, let organisationID = organisation.id,
                  caller.identity.actor.mayAdminister(organisation: organisationID)
            else { throw AppError.notFound }
            let now = clock.now()
            guard referral.referralState.awaitsAcknowledgement, let due = referral.acknowledgementDueAt, due < now else {
                throw AppError.conflict("Referral \(ReferralReference.short(id)) is not overdue: it has been answered, or its time is not up yet.")
            }
            let day = DateOnly.of(now, in: organisation.calendar.timeZone).description
            guard try await SweepQueries.claimChase(of: id, day: day, at: now, on: db) else {
                throw AppError.conflict("Referral \(ReferralReference.short(id)) was already chased today; its recipients have been asked.")
            }
            let recipients = try await Self.recipientUsers(of: referral, on: db)
            let patient = try await Patient.find(referral.$patient.id, on: db)
            let referrer = try await UserAccount.find(referral.$referrer.id, on: db)?.displayName ?? "a colleague"
            let patientName = patient.map { "\($0.givenName) \($0.familyName)" } ?? "a patient"
            let link = SiteURL.referral(id).path
            try await notifier.notify(
                recipients.compactMap(\.id), patient: referral.$patient.id, kind: .referralOverdue,
                message: "\(caller.identity.displayName), an administrator at \(organisation.name), asks you to answer \(patientName)'s referral from \(referrer): it is overdue.",
                link: link, on: db)
            try await outbox.notices(
                recipients.map {
                    .init(
                        userID: $0.id!, address: $0.email, subject: "Liaison: an overdue referral needs your answer",
                        body: "An administrator at \(organisation.name) asks you to answer referral \(ReferralReference.short(id)) from \(referrer); it is overdue: \(baseURL)\(link)")
                }, urgent: false, on: db)
            try await auditor.record(.referralChase, patient: referral.$patient.id, subject: "referral:\(id)", by: caller, on: db)
            return recipients.count
        }
    }
}
