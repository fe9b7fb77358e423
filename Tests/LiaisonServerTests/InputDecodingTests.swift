import FluentKit
import Foundation
import LiaisonData
@testable import LiaisonServer
import Testing

@Suite struct InputDecodingTests {
    struct Everything: Decodable, Equatable {
        var name: String
        var note: String?
        var missing: String?
        var consent: Bool
        var unticked: Bool?
        var patientID: UUID?
        var unchosen: UUID?
        var count: Int?
        var tags: [String]
        var letter: [String: String]
    }

    @Test func aFormDecodesIntoTheSameInputAsJSON() throws {
        let id = UUID()
        let form = try FormData(encoded: "name=Sam+Rivera&note=&consent=on&patientID=\(id.uuidString.lowercased())&unchosen=&count=3&tags=a&tags=b&letter.reason=Panic&letter.hopes=Work")
        let decoded = try form.decode(Everything.self)
        #expect(decoded == Everything(
            name: "Sam Rivera", note: "", missing: nil, consent: true, unticked: false, patientID: id, unchosen: nil, count: 3, tags: ["a", "b"],
            letter: ["reason": "Panic", "hopes": "Work"]))
        let json = #"{"name":"Sam Rivera","note":"","consent":true,"unticked":false,"patientID":"\#(id.uuidString)","count":3,"tags":["a","b"],"letter":{"reason":"Panic","hopes":"Work"}}"#
        #expect(try JSONDecoder().decode(Everything.self, from: Data(json.utf8)) == decoded)
    }

    @Test func aMissingRequiredFieldIsNamed() throws {
        let form = try FormData(encoded: "consent=off")
        #expect(throws: DecodingError.self) { try form.decode(Everything.self) }
        #expect(try FormData(encoded: "name=x&consent=off").decode(Everything.self).consent == false)
    }

    @Test func theAPITakesAFormAsWellAsJSON() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let patient = try await world.patient(registeredBy: ana)
            let api = try await world.apiToken(for: ana)
            let path = APIURL.notes(patient.id!).path
            let answer = try await api.call(
                .post, path, body: "kind=team&body=Seen+today.", headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(answer.status == .created)
            #expect(try answer.json()["body"] as? String == "Seen today.")
        }
    }
}

@Suite struct WrongTypeTests {
    @Test func aFieldOfTheWrongTypeIsA422NamingTheField() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let api = try await world.apiToken(for: ana)
            let answer = try await api.call(.post, APIURL.patients.path, json: #"{"givenName": 42, "familyName": "Rivera"}"#)
            #expect(answer.status == .unprocessableContent)
            let errors = try answer.json()["errors"] as? [[String: Any]]
            #expect(errors?.first?["field"] as? String == "givenName")
            #expect(try await api.call(.post, APIURL.patients.path, json: #"{"givenName": "Sam""#).status == .badRequest)
        }
    }
}

@Suite struct RequestHygieneTests {
    @Test func aBodyOfAKindTheRouteDoesNotTakeIs415AndChangesNothing() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let api = try await world.apiToken(for: ana)
            let answer = try await api.call(.post, APIURL.patients.path, body: #"{"givenName":"Sam"}"#, headers: [.contentType: "text/plain"])
            #expect(answer.status == .unsupportedMediaType)
            #expect(try await Patient.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func controlCharactersAreRefusedNamingTheField() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let patient = try await world.patient(registeredBy: ana)
            let api = try await world.apiToken(for: ana)
            let answer = try await api.call(.post, APIURL.notes(patient.id!).path, json: #"{"kind":"team","body":"Seen\u0000 today"}"#)
            #expect(answer.status == .unprocessableContent)
            #expect((try answer.json()["errors"] as? [[String: Any]])?.first?["field"] as? String == "body")
            #expect(try await Note.query(on: world.database.db()).count() == 0)
            // New lines and tabs are text.
            #expect(try await api.call(.post, APIURL.notes(patient.id!).path, json: #"{"kind":"team","body":"Seen\ttoday.\nWell."}"#).status == .created)
        }
    }
}
