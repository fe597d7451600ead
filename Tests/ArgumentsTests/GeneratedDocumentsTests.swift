import Arguments
import Foundation
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
        let (status, text, warnings) = try Self.shell("groff -man -Tutf8 -ww 2>/tmp/groff-warnings-$$ | col -b; cat /tmp/groff-warnings-$$ >&2; rm -f /tmp/groff-warnings-$$",
                                                      input: page)
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
        let script = BashCompletion.script(ParserFixture.root)
        var words = line.split(separator: " ").map { "'\($0)'" }
        if line.hasSuffix(" ") { words.append("''") }
        let (status, out, err) = try Self.shell("""
            source /dev/stdin
            COMP_WORDS=(\(words.joined(separator: " "))); COMP_CWORD=\(cword)
            _tool
            printf '%s\\n' "${COMPREPLY[@]}"
            """, input: script, bash: true)
        #expect(status == 0, "\(err)")
        #expect(Set(out.split(separator: "\n").map(String.init)) == Set(expected), "\(line)")
    }

    @Test func bashCompletesFileNamesForFileOptions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("argcomp-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = FileManager.default.createFile(atPath: dir.path + "/board-a.yaml", contents: Data())
        let script = BashCompletion.script(ParserFixture.root)
        let (status, out, err) = try Self.shell("""
            source /dev/stdin
            COMP_WORDS=(tool check --board '\(dir.path)/bo'); COMP_CWORD=3
            _tool
            printf '%s\\n' "${COMPREPLY[@]}"
            """, input: script, bash: true)
        #expect(status == 0, "\(err)")
        #expect(out == dir.path + "/board-a.yaml\n")
    }

    private static func shell(_ command: String, input: String, bash: Bool = false) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bash ? "/bin/bash" : "/bin/sh")
        process.arguments = ["-c", command]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
