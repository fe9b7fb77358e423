import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// An organisation's public holidays, kept by its administrators: due dates counted in business
/// days skip them from then on (dates already due stay as they were promised).
extension OrganisationService {
    /// The organisation's holidays, for anyone who belongs to it.
    func holidays(of id: UUID, for actor: Actor) async throws -> (organisation: Organisation, holidays: [Holiday]) {
        guard let organisation = try await Organisation.find(id, on: database.reader()) else { throw AppError.notFound }
        guard actor.memberships[id] != nil || actor.mayOperateInstallation else { throw AppError.notFound }
        return (organisation, organisation.holidays)
    }

    /// Adds `holidays` (one typed in, or a file's worth) to those already there; a day given again
    /// takes its new name. The organisation's row is locked, so two administrators adding at once
    /// both keep theirs.
    /// - Returns: how many days were new.
    @discardableResult
    func addHolidays(_ holidays: [Holiday], to id: UUID, by actor: Actor) async throws -> Int {
        try await database.write { db in
            let organisation = try await lockForAdministration(id, by: actor, on: db)
            let existing = organisation.holidays
            let known = Set(existing.map(\.day))
            let merged = Holidays.decode(Holidays.encode(existing + holidays))
            guard merged.count <= Holidays.limit else {
                throw AppError.invalid(ValidationErrors(
                    "file", "An organisation keeps at most \(Holidays.limit) holidays; remove past ones before adding more."))
            }
            organisation.holidays = merged
            try await organisation.save(on: db)
            return Set(holidays.map(\.day)).subtracting(known).count
        }
    }

    func removeHoliday(_ day: DateOnly, from id: UUID, by actor: Actor) async throws {
        try await database.write { db in
            let organisation = try await lockForAdministration(id, by: actor, on: db)
            let remaining = organisation.holidays.filter { $0.day != day }
            guard remaining.count < organisation.holidays.count else { throw AppError.notFound }
            organisation.holidays = remaining
            try await organisation.save(on: db)
        }
    }

    private func lockForAdministration(_ id: UUID, by actor: Actor, on db: any Database) async throws -> Organisation {
        guard let organisation = try await OrganisationQueries.lockForChange(id, on: db) else { throw AppError.notFound }
        guard actor.mayAdminister(organisation: id) else { throw AppError.forbidden }
        return organisation
    }
}
