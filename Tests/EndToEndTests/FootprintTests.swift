import Foundation
import TestSupport
import Testing

/// Full Foundation (+45 MB static, +10 MB RSS) must not be linked into the agent.
struct FootprintTests {
    @Test func fullFoundationIsNotLinked() throws {
        let child = try ChildProcess("/usr/bin/ldd", [Executables.otsentry])
        #expect(child.wait(seconds: 10) == 0)
        let libraries = child.stdout.split(separator: "\n").compactMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) }
        #expect(libraries.contains { $0.hasPrefix("libmodbus.so") })
        #expect(libraries.contains { $0.hasPrefix("libmosquitto.so") })
        #expect(libraries.contains { $0.hasPrefix("libyaml") })
        #expect(!libraries.contains { $0.hasPrefix("libFoundation.so") || $0.hasPrefix("libFoundationInternationalization") },
                "\(libraries)")
    }

    @Test func agentSourcesDoNotImportFoundation() throws {
        let sources = Executables.repositoryRoot + "/Sources"
        let enumerator = try #require(FileManager.default.enumerator(atPath: sources))
        var offenders: [String] = []
        for case let path as String in enumerator where path.hasSuffix(".swift") {
            let text = try String(contentsOfFile: "\(sources)/\(path)", encoding: .utf8)
            if text.split(separator: "\n").contains(where: { $0.hasPrefix("import Foundation") && !$0.hasPrefix("import FoundationEssentials") }) {
                offenders.append(path)
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
