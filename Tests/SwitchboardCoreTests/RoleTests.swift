import SwitchboardCore
import Testing

@Suite struct RoleTests {
    @Test func viewersOnlyRead() {
        #expect(Role.viewer.allows(.read))
        #expect(!Role.viewer.allows(.write))
        #expect(!Role.viewer.allows(.administer))
    }

    @Test func editorsChangeResourcesButNotKeys() {
        #expect(Role.editor.allows(.write))
        #expect(!Role.editor.allows(.administer))
    }

    @Test func adminsDoEverything() {
        #expect(Role.admin.allows(.read) && Role.admin.allows(.write) && Role.admin.allows(.administer))
    }
}
