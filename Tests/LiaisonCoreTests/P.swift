import Testing
@testable import LiaisonCore
@Test func placeholder() {}
