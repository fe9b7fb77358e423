import Testing
import HummingbirdTesting
@testable import LiaisonServer
@Test func placeholder() {}
