import Foundation

/// How a referral is named to people who are not treating the patient (administrators, emails,
/// reports): a short number and a link, never the patient's name. Following the link leads
/// through the usual access check.
public enum ReferralReference {
    /// "R-1A2B3C4D": the first eight hex digits of the referral's id, enough to tell referrals
    /// apart on a list and to find one in Liaison.
    public static func short(_ id: UUID) -> String {
        "R-" + id.uuidString.prefix(8)
    }
}

/// A patient named to people who are not treating them (an administrator checking a possible
/// duplicate): "P-1A2B3C4D", never the name.
public enum PatientReference {
    public static func short(_ id: UUID) -> String {
        "P-" + id.uuidString.prefix(8)
    }
}
