/// A command or subcommand: its name, its help text and its options.
///
/// The same value drives parsing, `--help`, the manual page and the bash completion script, so the four cannot
/// disagree.
public struct CommandSpec: Sendable {
    public let name: String
    /// One line, shown in the parent's list of subcommands and as the overview.
    public let abstract: String
    /// Paragraphs after the overview; blank lines separate paragraphs.
    public let discussion: String
    public let options: [OptionSpec]
    public let subcommands: [CommandSpec]

    public init(
        name: String, abstract: String, discussion: String = "", options: [OptionSpec] = [],
        subcommands: [CommandSpec] = []
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options
        self.subcommands = subcommands
    }

    func option(named name: String) -> OptionSpec? {
        self.options.first { $0.name == name }
    }

    func subcommand(named name: String) -> CommandSpec? {
        self.subcommands.first { $0.name == name }
    }

    var visibleOptions: [OptionSpec] {
        self.options.filter { !$0.isHidden }
    }
}
