import Foundation
import TestSupport
import Testing

/// Every file of the board library passes `otsentry check`: the boards as they are, and each profile included by
/// a device of a minimal board.
struct BoardLibraryTests {
    static let boards: [String] = {
        let root = Executables.repositoryRoot + "/Boards"
        let top = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasSuffix(".yaml") }
        let gateways = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/gateways")) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { "gateways/\($0)" }
        return (top + gateways).sorted()
    }()

    static let profiles: [String] = {
        let dir = Executables.repositoryRoot + "/Boards/profiles"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func theLibraryHasWhatTheIssueAsksFor() {
        #expect(Self.boards.contains("demo.yaml"))
        #expect(Self.boards.filter { $0.hasPrefix("gateways/") }.count >= 2)
        #expect(Self.profiles.count >= 4)
    }

    @Test(arguments: boards)
    func boardChecks(_ name: String) throws {
        let (status, stdout, stderr) = try runOTSentry(["check", "--board", Executables.repositoryRoot + "/Boards/" + name])
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains(": valid"))
    }

    /// The package's `/etc/otsentry/board.yaml`, whose profile is found in the library (`../Boards/profiles` is
    /// not next to it, so the search path is given as the package's would be).
    @Test func thePackagedExampleBoardChecks() throws {
        let child = try ChildProcess(Executables.otsentry, ["check", "--board", Executables.repositoryRoot + "/Packaging/board.yaml"],
                                     environment: ["OTSENTRY_PROFILE_PATH": Executables.repositoryRoot + "/Boards/profiles"])
        #expect(child.wait(seconds: 30) == 0, "\(child.stderr)")
        #expect(child.stdout.contains(": valid"))
        #expect(child.stdout.contains("eastron") || child.stdout.contains("192.0.2.10"))
    }

    @Test(arguments: profiles)
    func profileChecks(_ name: String) throws {
        let dir = TemporaryDirectory()
        let board = dir.write("board.yaml", """
            gateway: library
            mqtt: {url: "mqtt://127.0.0.1"}
            devices:
              - {id: device-1, tcp: 127.0.0.1, profile: \(name)}
            """)
        let child = try ChildProcess(Executables.otsentry, ["check", "--board", board],
                                     environment: ["OTSENTRY_PROFILE_PATH": Executables.repositoryRoot + "/Boards/profiles"])
        #expect(child.wait(seconds: 30) == 0, "\(child.stderr)")
        #expect(child.stdout.contains("profile \(name)"))
    }
}
