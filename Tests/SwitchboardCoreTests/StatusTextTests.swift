import SwitchboardCore
import Testing

@Suite struct StatusTextTests {
    @Test func statusesReadAsInAnActivityLog() {
        #expect(StatusText.describe(200) == "200 OK")
        #expect(StatusText.describe(401) == "401 Unauthorized")
        #expect(StatusText.describe(503) == "503 Service Unavailable")
        #expect(StatusText.describe(299) == "299")
        #expect(StatusText.describe(-1) == "-1")
    }
}
