/// `--help` text and usage lines, laid out for an 80-column terminal.
public enum HelpText {
    static let width = 80
    static let labelColumn = 26

    /// `otsentry run [--board <FILE>] [--log-level <LEVEL>]`
    public static func usage(_ command: CommandSpec, parents: [String]) -> String {
        var words = parents + [command.name]
        if !command.subcommands.isEmpty {
            words.append("<subcommand>")
        }
        for option in command.visibleOptions {
            switch option.arity {
            case .flag: words.append("[\(option.synopsis)]")
            case .single: words.append(option.isRequired ? option.synopsis : "[\(option.synopsis)]")
            case .repeated: words.append("[\(option.synopsis) ...]")
            }
        }
        return words.joined(separator: " ")
    }

    public static func render(_ command: CommandSpec, parents: [String]) -> String {
        var out = "OVERVIEW: " + Self.wrap(command.abstract, indent: 0, firstIndent: 10).dropFirst(10) + "\n"
        if !command.discussion.isEmpty {
            out += "\n"
            for line in command.discussion.split(separator: "\n", omittingEmptySubsequences: false) {
                out += Self.wrap(String(line), indent: 0, firstIndent: 0) + "\n"
            }
        }
        out += "\nUSAGE: " + Self.wrap(Self.usage(command, parents: parents), indent: 7, firstIndent: 7).dropFirst(7)
            + "\n\nOPTIONS:\n"
        for option in command.visibleOptions {
            var help = option.help
            if let value = option.defaultValue { help += " (default: \(value))" }
            out += Self.entry(option.synopsis, help)
        }
        if parents.isEmpty {
            out += Self.entry("--version", "Show the version.")
        }
        out += Self.entry("-h, --help", "Show help information.")
        if !command.subcommands.isEmpty {
            out += "\nSUBCOMMANDS:\n"
            for subcommand in command.subcommands {
                out += Self.entry(subcommand.name, subcommand.abstract)
            }
            out += "\n  See '\((parents + [command.name]).joined(separator: " ")) help <subcommand>' for detailed help.\n"
        }
        return out
    }

    /// `  --board <FILE>          The board file.` with the help wrapped under itself.
    private static func entry(_ label: String, _ help: String) -> String {
        let lead = "  " + label
        if lead.count + 2 > Self.labelColumn {
            return lead + "\n" + Self.wrap(help, indent: Self.labelColumn, firstIndent: Self.labelColumn) + "\n"
        }
        let wrapped = Self.wrap(help, indent: Self.labelColumn, firstIndent: Self.labelColumn)
        return lead + String(wrapped.dropFirst(lead.count)) + "\n"
    }

    /// Word-wraps `text` to `width`, the first line indented by `firstIndent` spaces and the others by `indent`.
    static func wrap(_ text: String, indent: Int, firstIndent: Int) -> String {
        var lines: [String] = []
        var line = String(repeating: " ", count: firstIndent)
        var lineHasWord = false
        for word in text.split(separator: " ") {
            if lineHasWord && line.count + 1 + word.count > Self.width {
                lines.append(line)
                line = String(repeating: " ", count: indent)
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
