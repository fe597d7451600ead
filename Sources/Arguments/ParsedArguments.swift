/// The outcome of parsing for a command to run: which subcommand, and the values of its options.
public struct ParsedArguments: Sendable, Equatable {
    /// The subcommand's name, or `nil` for the root command itself.
    public let subcommand: String?
    private let given: [String: [String]]
    private let defaults: [String: String]

    init(subcommand: String?, given: [String: [String]], defaults: [String: String]) {
        self.subcommand = subcommand
        self.given = given
        self.defaults = defaults
    }

    /// The option's last value, its default, or `nil`.
    public func value(_ name: String) -> String? {
        self.given[name]?.last ?? self.defaults[name]
    }

    /// Every value of a repeatable option, in the order given.
    public func values(_ name: String) -> [String] {
        self.given[name] ?? []
    }

    /// Whether a flag (or an option) was given.
    public func isSet(_ name: String) -> Bool {
        self.given[name] != nil
    }
}
