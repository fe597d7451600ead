/// Parses `argv` against a root command with subcommands.
///
/// The rules are the usual ones of a long-option tool: `--name value` or `--name=value`; flags take no value; a
/// single-valued option given twice keeps the last value; `-h`/`--help` anywhere prints that command's help;
/// `help [SUBCOMMAND]` does the same; `--version` at the root prints the version. Anything else (an unknown option
/// or subcommand, a missing value, a stray argument, a missing required option) is a `UsageError` naming it, with
/// a suggestion when a known name is one typo away.
public struct CommandLineParser: Sendable {
    public let root: CommandSpec
    public let version: String

    public init(root: CommandSpec, version: String) {
        self.root = root
        self.version = version
    }

    /// Parses the arguments after the program name.
    public func parse(_ arguments: [String]) throws(UsageError) -> ParseOutcome {
        var index = 0
        var rootGiven: [String: [String]] = [:]
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--help" || argument == "-h" {
                return .print(HelpText.render(self.root, parents: []))
            }
            if argument == "--version" {
                return .print(self.version + "\n")
            }
            if argument.hasPrefix("-") {
                try self.take(arguments, at: &index, command: self.root, parents: [], into: &rootGiven)
                continue
            }
            if argument == "help" && self.root.subcommand(named: "help") == nil {
                return try self.help(Array(arguments[(index + 1)...]))
            }
            guard let subcommand = self.root.subcommand(named: argument) else {
                let names = self.root.subcommands.map(\.name)
                throw UsageError("unknown subcommand '\(argument)'\(Self.suggestion(for: argument, among: names))"
                                 + " (subcommands: \(names.joined(separator: ", ")))",
                                 usage: HelpText.usage(self.root, parents: []))
            }
            return try self.parse(subcommand, Array(arguments[(index + 1)...]))
        }
        if self.root.subcommands.isEmpty || !rootGiven.isEmpty {
            try Self.requireAll(self.root, parents: [], given: rootGiven)
            return .run(ParsedArguments(subcommand: nil, given: rootGiven, defaults: Self.defaults(self.root)))
        }
        throw UsageError("missing subcommand (one of: \(self.root.subcommands.map(\.name).joined(separator: ", ")))",
                         usage: HelpText.usage(self.root, parents: []))
    }

    private func parse(_ command: CommandSpec, _ arguments: [String]) throws(UsageError) -> ParseOutcome {
        let parents = [self.root.name]
        var given: [String: [String]] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--help" || argument == "-h" {
                return .print(HelpText.render(command, parents: parents))
            }
            if argument == "--" {
                if index + 1 < arguments.count {
                    throw UsageError("unexpected argument '\(arguments[index + 1])'",
                                     usage: HelpText.usage(command, parents: parents))
                }
                break
            }
            if argument.hasPrefix("-") {
                try self.take(arguments, at: &index, command: command, parents: parents, into: &given)
                continue
            }
            throw UsageError("unexpected argument '\(argument)'", usage: HelpText.usage(command, parents: parents))
        }
        try Self.requireAll(command, parents: parents, given: given)
        return .run(ParsedArguments(subcommand: command.name, given: given, defaults: Self.defaults(command)))
    }

    private func help(_ arguments: [String]) throws(UsageError) -> ParseOutcome {
        guard let name = arguments.first, name != "--help", name != "-h" else {
            return .print(HelpText.render(self.root, parents: []))
        }
        guard let command = self.root.subcommand(named: name) else {
            let names = self.root.subcommands.map(\.name)
            throw UsageError("unknown subcommand '\(name)'\(Self.suggestion(for: name, among: names))",
                             usage: "\(self.root.name) help [<subcommand>]")
        }
        return .print(HelpText.render(command, parents: [self.root.name]))
    }

    /// Consumes the option at `index` (and its value), advancing `index`.
    private func take(
        _ arguments: [String], at index: inout Int, command: CommandSpec, parents: [String],
        into given: inout [String: [String]]
    ) throws(UsageError) {
        let argument = arguments[index]
        let usage = HelpText.usage(command, parents: parents)
        guard argument.hasPrefix("--"), argument.count > 2 else {
            throw UsageError("unknown option '\(argument)'", usage: usage)
        }
        let body = argument.dropFirst(2)
        let name: String
        var inline: String?
        if let equals = body.firstIndex(of: "=") {
            name = String(body[..<equals])
            inline = String(body[body.index(after: equals)...])
        } else {
            name = String(body)
        }
        guard let option = command.option(named: name) else {
            let names = command.visibleOptions.map { "--" + $0.name } + ["--help"]
            throw UsageError("unknown option '--\(name)'\(Self.suggestion(for: "--" + name, among: names))",
                             usage: usage)
        }
        index += 1
        switch option.arity {
        case .flag:
            if inline != nil { throw UsageError("'--\(name)' takes no value", usage: usage) }
            given[name, default: []].append("")
        case .single, .repeated:
            if inline == nil, index < arguments.count, !arguments[index].hasPrefix("--") {
                inline = arguments[index]
                index += 1
            }
            guard let value = inline else {
                throw UsageError("missing value for '\(option.synopsis)'", usage: usage)
            }
            given[name, default: []].append(value)
        }
    }

    private static func requireAll(_ command: CommandSpec, parents: [String], given: [String: [String]]) throws(UsageError) {
        for option in command.options where option.isRequired && given[option.name] == nil {
            throw UsageError("missing '\(option.synopsis)'", usage: HelpText.usage(command, parents: parents))
        }
    }

    private static func defaults(_ command: CommandSpec) -> [String: String] {
        var defaults: [String: String] = [:]
        for option in command.options {
            if let value = option.defaultValue { defaults[option.name] = value }
        }
        return defaults
    }

    /// `"; did you mean 'check'?"` when exactly one known name is within two edits.
    static func suggestion(for word: String, among names: [String]) -> String {
        let close = names.filter { Self.editDistance(word, $0) <= 2 }
        return close.count == 1 ? "; did you mean '\(close[0])'?" : ""
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
