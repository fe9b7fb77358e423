import Foundation

/// Who can see this patient, for this service, soon, and why them: candidates ranked with their
/// reasons in plain words, and those left out with the one reason that rules them out.
public enum Matching {
    public struct Match: Sendable, Equatable {
        public let candidate: MatchCandidate
        /// Why this clinician is here and where, most telling first.
        public let reasons: [String]
        /// Kilometres to the nearest of their places, when both sides are known and it matters.
        public let distance: Double?
    }

    public struct Exclusion: Sendable, Equatable {
        public let candidate: MatchCandidate
        public let reason: String
    }

    public struct Result: Sendable, Equatable {
        public let matches: [Match]
        public let excluded: [Exclusion]
    }

    /// Ranks `candidates` (clinicians offering `request.service`) for `request`.
    ///
    /// Ruled out, with the reason: not taking new patients; no opening for the service; a transfer
    /// to someone who takes none; "second opinions only" for anything but a consultation; a
    /// modality, language or insurance that does not fit. Then, in order: scarce openings first for
    /// a patient without a psychiatrist where the clinician gives them priority; in person, nearer
    /// first; more openings first (sooner); then by name.
    public static func rank(_ request: MatchRequest, _ candidates: [MatchCandidate]) -> Result {
        var matches: [Match] = []
        var excluded: [Exclusion] = []
        for candidate in candidates {
            if let reason = exclusion(of: candidate, for: request) {
                excluded.append(Exclusion(candidate: candidate, reason: reason))
                continue
            }
            let distance = needsDistance(request) ? nearest(candidate, to: request.location) : nil
            matches.append(Match(candidate: candidate, reasons: reasons(for: candidate, request, distance: distance), distance: distance))
        }
        matches.sort { a, b in
            let priorityA = givesPriority(a.candidate, request), priorityB = givesPriority(b.candidate, request)
            if priorityA != priorityB { return priorityA }
            if a.distance != b.distance { return (a.distance ?? .infinity) < (b.distance ?? .infinity) }
            if a.candidate.openings != b.candidate.openings { return a.candidate.openings > b.candidate.openings }
            return a.candidate.name.localizedStandardCompare(b.candidate.name) == .orderedAscending
        }
        excluded.sort { $0.candidate.name.localizedStandardCompare($1.candidate.name) == .orderedAscending }
        return Result(matches: matches, excluded: excluded)
    }

    /// The one reason that rules a candidate out, checked in the order a colleague would ask.
    static func exclusion(of candidate: MatchCandidate, for request: MatchRequest) -> String? {
        let intake = candidate.intake
        if intake.transfers == .secondOpinionsOnly, request.service != .secondOpinion {
            return "sees people for second opinions only"
        }
        if request.isTransfer, intake.transfers != .accepts, request.service != .secondOpinion {
            return "does not accept transfers"
        }
        if !intake.acceptingNewPatients { return "not accepting new patients" }
        if candidate.openings <= 0 { return "no opening for \(request.service.label.lowercased())" }
        if !candidate.modality.serves(request.modality) {
            return candidate.modality == .telehealth ? "telehealth only" : "in person only"
        }
        if let language = request.language, !candidate.languages.contains(where: { same($0, language) }) {
            return "does not speak \(language)"
        }
        if let insurance = request.insurance, !candidate.insurance.contains(where: { same($0, insurance) }) {
            return "does not take \(insurance)"
        }
        return nil
    }

    static func reasons(for candidate: MatchCandidate, _ request: MatchRequest, distance: Double?) -> [String] {
        var reasons: [String] = []
        if givesPriority(candidate, request) { reasons.append("gives priority to people without a psychiatrist") }
        reasons.append("\(candidate.openings) opening\(candidate.openings == 1 ? "" : "s") for \(request.service.label.lowercased())")
        if let language = request.language { reasons.append("speaks \(language)") }
        if let insurance = request.insurance { reasons.append("takes \(insurance)") }
        switch (candidate.modality, request.modality) {
        case (.telehealth, _), (_, .telehealth): reasons.append("telehealth")
        case (.inPerson, _): reasons.append("in person")
        default: reasons.append("in person or telehealth")
        }
        if let distance {
            reasons.append(distance < 1 ? "in \(request.location ?? "the same place")" : "\(Int(distance.rounded())) km")
        } else if needsDistance(request), request.location != nil, !candidate.locations.isEmpty {
            reasons.append("sees people in \(candidate.locations.joined(separator: ", "))")
        }
        if request.isTransfer { reasons.append("accepts transfers") }
        return reasons
    }

    static func givesPriority(_ candidate: MatchCandidate, _ request: MatchRequest) -> Bool {
        candidate.intake.prioritisesPatientsWithoutPsychiatrist && !request.patientHasPsychiatrist
    }

    /// Distance matters when the patient may go in person and said where from.
    static func needsDistance(_ request: MatchRequest) -> Bool {
        request.modality != .telehealth && request.location != nil
    }

    /// Kilometres from `place` to the nearest of the candidate's places, when both are known.
    /// A telehealth-only clinician is as near as anyone.
    static func nearest(_ candidate: MatchCandidate, to place: String?) -> Double? {
        guard candidate.modality != .telehealth, let place, let origin = Places.coordinates(of: place) else { return nil }
        return candidate.locations.compactMap(Places.coordinates(of:)).map { Places.kilometres(origin, $0) }.min()
    }

    static func same(_ a: String, _ b: String) -> Bool {
        a.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(b.trimmingCharacters(in: .whitespaces)) == .orderedSame
    }
}

/// A small offline gazetteer: where places are, for distances. The demo's districts, and cities
/// an installation may add to (`Places.table`).
public enum Places {
    public struct Coordinates: Sendable, Equatable {
        public let latitude: Double
        public let longitude: Double
    }

    /// Lower-cased place name → coordinates.
    static let table: [String: Coordinates] = [
        // The demo's (invented) districts of one city.
        "riverside": .init(latitude: 40.7420, longitude: -73.9900),
        "harbour district": .init(latitude: 40.7050, longitude: -74.0150),
        "elm heights": .init(latitude: 40.7950, longitude: -73.9500),
        "northgate": .init(latitude: 40.8600, longitude: -73.9000),
        // Cities.
        "new york": .init(latitude: 40.7128, longitude: -74.0060),
        "boston": .init(latitude: 42.3601, longitude: -71.0589),
        "philadelphia": .init(latitude: 39.9526, longitude: -75.1652),
        "chicago": .init(latitude: 41.8781, longitude: -87.6298),
        "los angeles": .init(latitude: 34.0522, longitude: -118.2437),
        "seattle": .init(latitude: 47.6062, longitude: -122.3321),
        "london": .init(latitude: 51.5074, longitude: -0.1278),
        "toronto": .init(latitude: 43.6532, longitude: -79.3832),
    ]

    public static func coordinates(of place: String) -> Coordinates? {
        table[place.trimmingCharacters(in: .whitespaces).lowercased()]
    }

    /// Great-circle distance (haversine), in kilometres.
    public static func kilometres(_ a: Coordinates, _ b: Coordinates) -> Double {
        let radians = Double.pi / 180
        let dLat = (b.latitude - a.latitude) * radians, dLon = (b.longitude - a.longitude) * radians
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.latitude * radians) * cos(b.latitude * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * 6371 * asin(min(1, sqrt(h)))
    }
}
