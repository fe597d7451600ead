import Arguments
import Foundation
import TestSupport
import Testing

/// The manual page and the completion script, checked by the programs that consume them: groff and bash.
struct GeneratedDocumentsTests {
    @Test func theManualPageRendersWithoutGroffWarnings() throws {
        let page = ManualPage(root: ParserFixture.root, version: "1.2.3",
                              sections: [ManualPage.Section("Exit status", ["0 success; 64 usage error."])],
                              authors: "The authors.").render(date: "2026-11-26")
        #expect(page.hasPrefix(".TH \"TOOL\" 1 \"2026-11-26\" \"tool 1.2.3\" \"User Commands\"\n"))
        #expect(page.contains(".B tool poll\n"))
        #expect(page.contains(".BI \\-\\-log\\-level \" LEVEL\"\n"))
        #expect(!page.contains("generate"), "hidden options stay out of the page")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") else {
            print("skipped: no groff")
            return
        }
        let dir = TemporaryDirectory()
        let path = dir.write("tool.1", page)
        let (status, text, warnings) = try runProcess("/usr/bin/groff", ["-man", "-Tascii", "-P-cbou", "-ww", path])
        #expect(status == 0)
        #expect(warnings == "", "groff warnings:\n\(warnings)")
        #expect(text.contains("--device ID"))
        #expect(text.contains("EXIT STATUS"))
        #expect(text.contains("Read-only. Exit status with --once"))
    }

    @Test(arguments: [
        ("tool ", 1, ["check", "help", "poll", "replay", "--help", "--version"]),
        ("tool p", 1, ["poll"]),
        ("tool poll --", 2, ["--board", "--help", "--log-level", "--device", "--once"]),
        ("tool poll --log-level ", 3, ["debug", "info", "error"]),
        ("tool check --log-level e", 3, ["error"]),
        ("tool help r", 2, ["replay"]),
    ])
    func bashCompletesSubcommandsOptionsAndValues(_ line: String, _ cword: Int, _ expected: [String]) throws {
        var words = line.split(separator: " ").map { "'\($0)'" }
        if line.hasSuffix(" ") { words.append("''") }
        let (status, out, err) = try Self.complete(words.joined(separator: " "), cword: cword)
        #expect(status == 0, "\(err)")
        #expect(Set(out.split(separator: "\n").map(String.init)) == Set(expected), "\(line)")
    }

    @Test func bashCompletesFileNamesForFileOptions() throws {
        let dir = TemporaryDirectory()
        _ = dir.write("board-a.yaml", "")
        let (status, out, err) = try Self.complete("tool check --board '\(dir.path)/bo'", cword: 3)
        #expect(status == 0, "\(err)")
        #expect(out == dir.path + "/board-a.yaml\n")
    }

    /// Sources the fixture's completion script in bash and prints the completions of `words` at `cword`.
    private static func complete(_ words: String, cword: Int) throws -> (Int32, String, String) {
        let dir = TemporaryDirectory()
        let script = dir.write("tool.bash", BashCompletion.script(ParserFixture.root))
        return try runProcess("/bin/bash", ["-c", """
            source '\(script)'
            COMP_WORDS=(\(words)); COMP_CWORD=\(cword)
            _tool
            printf '%s\\n' "${COMPREPLY[@]}"
            """])
    }
}
