import Foundation
import LiaisonCore
import LiaisonData
import Logging

/// Writes "access refused" to the audit log, in a transaction of its own: the request that was
/// refused changes nothing, but the attempt is on the record.
struct RefusalLog: Sendable {
    let database: LiaisonDatabase
    let auditor: Auditor

    func record(_ refused: AccessRefused, by identity: Identity?, requestID: String, logger: Logger) async {
        guard let identity else { return }
        do {
            try await auditor.recordRead(
                .accessRefused, patient: refused.patientID, subject: "patient:\(refused.patientID)", purpose: "refused",
                by: Caller(identity: identity, requestID: requestID), in: database)
        } catch {
            logger.error("could not audit a refused access", metadata: ["error": .string(String(reflecting: error))])
        }
    }
}
