/// A man(7) page for a root command and its subcommands, from the same `CommandSpec` that parses the arguments.
public struct ManualPage: Sendable {
    /// A section after the commands (`EXIT STATUS`, `FILES`, `SEE ALSO`): a title and its paragraphs.
    public struct Section: Sendable {
        public let title: String
        public let paragraphs: [String]

        public init(_ title: String, _ paragraphs: [String]) {
            self.title = title
            self.paragraphs = paragraphs
        }
    }

    public let root: CommandSpec
    public let version: String
    public let section: Int
    public let sections: [Section]
    public let authors: String

    public init(root: CommandSpec, version: String, section: Int = 1, sections: [Section] = [], authors: String = "") {
        self.root = root
        self.version = version
        self.section = section
        self.sections = sections
        self.authors = authors
    }

    /// The page; `date` is `YYYY-MM-DD` (pass the release date, not today's, for a reproducible page).
    public func render(date: String) -> String {
        let name = self.root.name
        var out = ".TH \(Self.quoted(name.uppercased())) \(self.section) \(Self.quoted(date))"
            + " \(Self.quoted("\(name) \(self.version)")) \(Self.quoted("User Commands"))\n"
        out += ".SH NAME\n\(Self.escape(name)) \\- \(Self.escape(Self.sentence(self.root.abstract)))\n"
        out += ".SH SYNOPSIS\n"
        for command in self.root.subcommands {
            out += Self.synopsis(command, parents: [name])
        }
        out += ".B \(Self.escape(name))\n.B \\-\\-version\n.br\n"
        out += ".B \(Self.escape(name))\n.RB [ \\-\\-help ]\n"
        out += ".SH DESCRIPTION\n"
        out += Self.paragraphs(self.root.abstract + "\n" + self.root.discussion)
        out += ".SH OPTIONS\n"
        for option in self.root.visibleOptions {
            out += Self.item(option)
        }
        out += ".TP\n.B \\-\\-version\nShow the version and exit.\n"
        out += ".TP\n.BR \\-h \", \" \\-\\-help\nShow help information and exit; after a command, that command's help.\n"
        out += ".SH COMMANDS\n"
        for command in self.root.subcommands {
            out += ".SS \(Self.quoted("\(name) \(command.name)"))\n"
            out += Self.paragraphs(command.abstract + "\n" + command.discussion)
            for option in command.visibleOptions {
                out += Self.item(option)
            }
        }
        for section in self.sections {
            out += ".SH \(Self.quoted(section.title.uppercased()))\n"
            for paragraph in section.paragraphs {
                out += ".PP\n" + Self.escape(paragraph) + "\n"
            }
        }
        if !self.authors.isEmpty {
            out += ".SH AUTHORS\n\(Self.escape(self.authors))\n"
        }
        return out
    }

    private static func synopsis(_ command: CommandSpec, parents: [String]) -> String {
        var out = ".B \(Self.escape((parents + [command.name]).joined(separator: " ")))\n"
        for option in command.visibleOptions {
            let flag = "\\-\\-" + Self.escape(option.name).replacing("-", with: "\\-")
            switch option.arity {
            case .flag: out += ".RB [ \(flag) ]\n"
            case .single where option.isRequired: out += ".BI \(flag) \" \(Self.escape(option.valueName))\"\n"
            case .single: out += ".RB [ \(flag)\n.IR \(Self.escape(option.valueName)) ]\n"
            case .repeated: out += ".RB [ \(flag)\n.IR \(Self.escape(option.valueName)) \" ...]\"\n"
            }
        }
        return out + ".br\n"
    }

    private static func item(_ option: OptionSpec) -> String {
        let flag = "\\-\\-" + Self.escape(option.name).replacing("-", with: "\\-")
        var out = ".TP\n"
        out += option.arity == .flag ? ".B \(flag)\n" : ".BI \(flag) \" \(Self.escape(option.valueName))\"\n"
        var help = option.help
        if let value = option.defaultValue { help += " Default: \(value)." }
        if option.arity == .repeated { help += " May be given more than once." }
        return out + Self.escape(help) + "\n"
    }

    private static func paragraphs(_ text: String) -> String {
        var out = ""
        for line in text.split(separator: "\n") where !line.allSatisfy({ $0 == " " }) {
            out += ".PP\n" + Self.escape(String(line)) + "\n"
        }
        return out
    }

    /// The abstract without its final full stop, for the NAME line.
    private static func sentence(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    private static func quoted(_ text: String) -> String {
        "\"" + Self.escape(text).replacing("\"", with: "\\(dq") + "\""
    }

    /// Escapes roff: backslashes, a leading `.` or `'` (control lines), and inline code quotes.
    static func escape(_ text: String) -> String {
        var text = text.replacing("\\", with: "\\e")
        text = text.replacing("`", with: "")
        var out = ""
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { out += "\n" }
            if line.hasPrefix(".") || line.hasPrefix("'") { out += "\\&" }
            out += line
        }
        return out
    }
}
