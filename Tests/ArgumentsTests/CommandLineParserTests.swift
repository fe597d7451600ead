import Arguments
import Testing

struct CommandLineParserTests {
    @Test func valuesDefaultsFlagsAndRepeatedOptions() throws {
        let parsed = try ParserFixture.run(["poll", "--device", "press", "--once", "--device=meter", "--log-level=debug"])
        #expect(parsed.subcommand == "poll")
        #expect(parsed.values("device") == ["press", "meter"])
        #expect(parsed.isSet("once"))
        #expect(parsed.value("log-level") == "debug")
        // Not given: the default, and isSet says it was not given.
        #expect(parsed.value("board") == "/etc/tool/board.yaml")
        #expect(!parsed.isSet("board"))
    }

    @Test func aSingleValuedOptionGivenTwiceKeepsTheLast() throws {
        let parsed = try ParserFixture.run(["check", "--board", "a.yaml", "--board", "b.yaml"])
        #expect(parsed.value("board") == "b.yaml")
    }

    @Test func aValueMayStartWithADashOrBeEmptyWhenAttached() throws {
        #expect(try ParserFixture.run(["check", "--board", "-odd.yaml"]).value("board") == "-odd.yaml")
        #expect(try ParserFixture.run(["check", "--board="]).value("board") == "")
    }

    @Test func helpAndVersionPrint() throws {
        guard case .print(let version) = try ParserFixture.parser.parse(["--version"]) else {
            Issue.record("--version did not print")
            return
        }
        #expect(version == "1.2.3\n")
        for arguments in [["poll", "--help"], ["poll", "--device", "x", "-h"], ["help", "poll"]] {
            guard case .print(let text) = try ParserFixture.parser.parse(arguments) else {
                Issue.record("\(arguments) did not print help")
                continue
            }
            #expect(text.hasPrefix("OVERVIEW: Read the devices.\n"), "\(arguments)")
            // Wrapped at 80 columns, continued under the command.
            #expect(text.contains("USAGE: tool poll [--board <FILE>] [--log-level <LEVEL>] [--device <ID> ...]\n       [--once]\n"))
            #expect(text.contains("  --board <FILE>          The board file. (default: /etc/tool/board.yaml)\n"))
        }
        guard case .print(let rootHelp) = try ParserFixture.parser.parse(["--help"]) else {
            Issue.record("--help did not print")
            return
        }
        #expect(rootHelp.contains("SUBCOMMANDS:\n  check                   Validate the board.\n"))
        // Hidden options stay out of help.
        #expect(!rootHelp.contains("generate-manual"))
    }

    @Test func helpOfHelpIsTheOverview() throws {
        for arguments in [["help"], ["help", "--help"], ["help", "-h"]] {
            guard case .print(let text) = try ParserFixture.parser.parse(arguments) else {
                Issue.record("\(arguments) did not print help")
                continue
            }
            #expect(text.hasPrefix("OVERVIEW: A tool with subcommands.\n"), "\(arguments)")
        }
    }

    @Test func hiddenRootOptionsRunTheRootCommand() throws {
        let parsed = try ParserFixture.run(["--generate-manual"])
        #expect(parsed.subcommand == nil)
        #expect(parsed.isSet("generate-manual"))
    }

    @Test(arguments: [
        (["frobnicate"], "unknown subcommand 'frobnicate' (subcommands: check, poll, replay)"),
        (["chek"], "unknown subcommand 'chek'; did you mean 'check'? (subcommands: check, poll, replay)"),
        ([], "missing subcommand (one of: check, poll, replay)"),
        (["check", "--bord", "x"], "unknown option '--bord'; did you mean '--board'?"),
        (["check", "-b", "x"], "unknown option '-b'"),
        (["check", "--board"], "missing value for '--board <FILE>'"),
        (["check", "--board", "--log-level", "info"], "missing value for '--board <FILE>'"),
        (["poll", "--once=yes"], "'--once' takes no value"),
        (["check", "board.yaml"], "unexpected argument 'board.yaml'"),
        (["check", "--", "x"], "unexpected argument 'x'"),
        (["replay", "--in", "a.csv"], "missing '--out <FILE.csv>'"),
        (["help", "pol"], "unknown subcommand 'pol'; did you mean 'poll'?"),
    ])
    func usageErrorsNameTheProblem(_ arguments: [String], _ message: String) {
        let error = ParserFixture.usageError(arguments)
        #expect(error?.message == message, "\(arguments)")
    }

    @Test func aUsageErrorPrintsTheCommandsUsageAndWhereToLook() throws {
        let error = try #require(ParserFixture.usageError(["replay", "--in", "a.csv"]))
        #expect("\(error)" == """
            Error: missing '--out <FILE.csv>'
            Usage: tool replay --in <FILE.csv> --out <FILE.csv>
              See 'tool replay --help' for more details.
            """)
    }
}
