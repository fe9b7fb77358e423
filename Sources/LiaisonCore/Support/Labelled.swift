/// A choice with a label for people (its raw value is for programs and storage).
public protocol Labelled {
    var label: String { get }
}

extension Discipline: Labelled {}
extension ClinicalService: Labelled {}
extension Modality: Labelled {}
extension ContactMethod: Labelled {}
extension TransferPolicy: Labelled {}
extension OrganisationKind: Labelled {}
extension MembershipRole: Labelled {}
