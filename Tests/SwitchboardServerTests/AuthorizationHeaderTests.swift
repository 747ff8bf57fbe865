import Foundation
@testable import SwitchboardAPI
import Testing

/// Reading an Authorization header: the scheme without case, the credential without the spaces
/// and tabs around it, and nothing from a header that holds no credential.
@Suite struct AuthorizationHeaderTests {
    @Test func theCredentialIsWhatFollowsTheSchemeWithoutSurroundingBlanks() {
        #expect(Authenticator.credential("Bearer sbk_1", scheme: "bearer") == "sbk_1")
        #expect(Authenticator.credential("BASIC \t a2V5MTo= \t", scheme: "basic") == "a2V5MTo=")
        #expect(Authenticator.credential("Basic a b", scheme: "basic") == "a b")
        #expect(Authenticator.credential("Basic \t ", scheme: "basic") == nil)
        #expect(Authenticator.credential("Bearer sbk_1", scheme: "basic") == nil)
        #expect(Authenticator.credential("Bearer", scheme: "bearer") == nil)
    }

    @Test func aBasicHeaderGivesItsUserName() {
        #expect(Authenticator.basicUser("Basic " + Data("key1:".utf8).base64EncodedString()) == "key1")
        #expect(Authenticator.basicUser("Basic " + Data("key1:secret:more".utf8).base64EncodedString()) == "key1")
        #expect(Authenticator.basicUser("Basic " + Data(":x".utf8).base64EncodedString()) == nil)
        #expect(Authenticator.basicUser("Basic !!!") == nil)
    }
}
