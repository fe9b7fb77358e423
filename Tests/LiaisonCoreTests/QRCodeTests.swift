import Testing
@testable import LiaisonCore

@Suite struct QRCodeTests {
    @Test func matchesAnotherEncoderModuleForModule() throws {
        for reference in QRCodeReferences.all {
            let code = try #require(QRCode(reference.text, versions: reference.version...10, masks: reference.mask..<reference.mask + 1))
            #expect(code.version == reference.version)
            let rows = (0..<code.size).map { y in String((0..<code.size).map { code.isDark(x: $0, y: y) ? "#" : "." }) }
            #expect(rows == reference.rows, "version \(reference.version), mask \(reference.mask)")
        }
    }

    @Test func choosesTheSmallestVersionThatHoldsTheText() throws {
        #expect(QRCode("HELLO")?.version == 1)
        #expect(QRCode(String(repeating: "a", count: 14))?.version == 1)
        #expect(QRCode(String(repeating: "a", count: 15))?.version == 2)
        #expect(QRCode(String(repeating: "a", count: 213))?.version == 10)
        #expect(QRCode(String(repeating: "a", count: 214)) == nil)
    }

    @Test func capacityTableAddsUpToEachVersionsModules() {
        // The codewords a version holds follow from its size less its fixed patterns.
        for version in 1...10 {
            let side = 4 * version + 17
            let perAxis = version == 1 ? 0 : version / 7 + 2
            let alignments = version == 1 ? 0 : perAxis * perAxis - 3
            let fixed = 3 * 64 + 2 * (side - 16) + alignments * 25 - (version == 1 ? 0 : (perAxis - 2) * 2 * 5)
                + 31 + (version >= 7 ? 36 : 0)
            #expect(QRCode.totalCodewords(version: version) == (side * side - fixed) / 8, "version \(version)")
        }
    }

    @Test func svgDrawsEveryDarkModuleOnAQuietZone() throws {
        let code = try #require(QRCode("otpauth://totp/Liaison:someone?secret=ABC&issuer=Liaison"))
        let svg = code.svg(title: "Scan <me> & go")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("viewBox=\"0 0 \(code.size + 8) \(code.size + 8)\""))
        #expect(svg.contains("<title>Scan &lt;me&gt; &amp; go</title>"))
        // The top-left finder's first row is a run of seven dark modules after the quiet zone.
        #expect(svg.contains("M4 4h7v1h-7z"))
    }
}
