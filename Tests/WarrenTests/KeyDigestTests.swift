import Testing

@testable import Warren

@Suite struct KeyDigestTests {
    @Test func aDigestIsTheKeysSHA256() {
        // FIPS 180-2's example.
        #expect(
            KeyDigest(of: "abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func aDigestReadsBackFromTheHexadecimalItIsStoredAs() throws {
        let digest = KeyDigest(of: "wk_0123456789")
        let read = try #require(KeyDigest(hex: digest.hex))
        #expect(read.matches(digest))
        #expect(read.hex == digest.hex)
    }

    @Test func digestsMatchOnlyTheirOwnKey() {
        let digest = KeyDigest(of: "wk_one")
        #expect(digest.matches(KeyDigest(of: "wk_one")))
        #expect(!digest.matches(KeyDigest(of: "wk_onf")))
        #expect(!digest.matches(KeyDigest(of: "")))
    }

    @Test(arguments: [
        "", "ab", String(repeating: "g", count: 64), String(repeating: "0", count: 63),
        "+" + String(repeating: "0", count: 63),
    ])
    func textThatIsNotADigestIsRefused(_ text: String) {
        #expect(KeyDigest(hex: text) == nil)
    }
}
