import Foundation
import LiaisonCore

/// Structured notes are stored as JSON text: the referral letter and each acknowledgement,
/// progress and closing note.
extension Letter {
    /// The text stored for this note.
    public var storedText: String {
        get throws { String(decoding: try JSONEncoder().encode(self), as: UTF8.self) }
    }

    /// The note stored as `text`, or nil if it cannot be read.
    public init?(storedText text: String) {
        guard let note = try? JSONDecoder().decode(Letter.self, from: Data(text.utf8)) else { return nil }
        self = note
    }
}

extension Referral {
    /// The referral letter.
    public var letterNote: Letter? { Letter(storedText: letter) }
}

extension ReferralNoteRecord {
    /// The note's sections.
    public var note: Letter? { Letter(storedText: content) }
}
