import Foundation

/// What the registry shows: one instrument's patients, filtered and sorted, a page at a time.
public struct RegistryFilter: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable, Labelled {
        case change, latest, weeks, contact, due, patient

        public var label: String {
            switch self {
            case .change: "Least improved first"
            case .latest: "Highest latest score first"
            case .weeks: "Longest in treatment first"
            case .contact: "Longest since last contact first"
            case .due: "Next follow-up soonest first"
            case .patient: "By patient"
            }
        }
    }

    /// Any open alert, or one kind.
    public enum FlagFilter: String, Sendable, CaseIterable {
        case any
        case selfHarmItem = "self-harm-item"
        case notImproving = "not-improving"
        case mdqPositive = "mdq-positive"
    }

    public var instrument: InstrumentKind = .phq9
    public var band: String?
    public var flag: FlagFilter?
    public var overdueOnly = false
    public var sort: Sort = .change
    public var page = 1

    public static let pageSize = 100

    public init() {}

    /// Reads the filter from query parameters, naming each bad one.
    public static func parse(_ fields: [String: String]) throws(ValidationErrors) -> RegistryFilter {
        var filter = RegistryFilter()
        var errors = ValidationErrors()
        func value(_ key: String) -> String? { fields[key]?.trimmingCharacters(in: .whitespaces).nilIfBlank }
        if let raw = value("instrument") {
            if let kind = InstrumentKind(rawValue: raw) { filter.instrument = kind } else { errors.add("instrument", "Instrument must be one of \(InstrumentKind.allCases.map(\.rawValue).joined(separator: ", ")).") }
        }
        if let raw = value("band") {
            let bands = filter.instrument == .mdq ? ["Positive screen", "Negative screen"] : filter.instrument.instrument.bands.map(\.label)
            if let band = bands.first(where: { $0.caseInsensitiveCompare(raw) == .orderedSame }) { filter.band = band } else {
                errors.add("band", "Band must be one of \(bands.joined(separator: ", ")).")
            }
        }
        if let raw = value("flag") {
            if let flag = FlagFilter(rawValue: raw) { filter.flag = flag } else { errors.add("flag", "Flag must be one of \(FlagFilter.allCases.map(\.rawValue).joined(separator: ", ")).") }
        }
        switch value("overdue")?.lowercased() {
        case nil, "false", "0", "no", "off": break
        case "true", "1", "yes", "on": filter.overdueOnly = true
        default: errors.add("overdue", "Overdue must be true or false.")
        }
        if let raw = value("sort") {
            if let sort = Sort(rawValue: raw) { filter.sort = sort } else { errors.add("sort", "Sort must be one of \(Sort.allCases.map(\.rawValue).joined(separator: ", ")).") }
        }
        if let raw = value("page") {
            if let page = Int(raw), (1...10_000).contains(page) { filter.page = page } else { errors.add("page", "Page must be a whole number from 1.") }
        }
        try errors.throwIfAny()
        return filter
    }
}

extension String {
    var nilIfBlank: String? { isEmpty ? nil : self }
}
