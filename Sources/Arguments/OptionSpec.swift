/// One `--long` option of a command: a flag, an option taking one value, or one that may be repeated.
///
/// Only long options exist (plus `-h` for help): they read the same in a unit file, a script and a shell history.
public struct OptionSpec: Sendable {
    /// How many values the option takes.
    public enum Arity: Sendable, Equatable {
        /// No value: present or not.
        case flag
        /// One value; given twice, the last one wins.
        case single
        /// One value each time; every occurrence is kept, in order.
        case repeated
    }

    /// What the shell completes after the option.
    public enum Completion: Sendable, Equatable {
        case none
        /// File names (all files; the extensions are a hint for the help text only).
        case file
        /// One of these words.
        case words([String])
    }

    /// The name without the leading `--`.
    public let name: String
    public let arity: Arity
    /// The placeholder shown in help and usage (`FILE`, `LEVEL`).
    public let valueName: String
    public let help: String
    /// The value used when the option is absent; `nil` with `isRequired == false` means "absent".
    public let defaultValue: String?
    public let isRequired: Bool
    /// Hidden options work but are left out of help, the manual page and completion.
    public let isHidden: Bool
    public let completion: Completion

    public static func flag(_ name: String, help: String, hidden: Bool = false) -> OptionSpec {
        OptionSpec(name: name, arity: .flag, valueName: "", help: help, defaultValue: nil, isRequired: false,
                   isHidden: hidden, completion: .none)
    }

    public static func value(
        _ name: String, valueName: String, help: String, default defaultValue: String? = nil,
        required: Bool = false, completion: Completion = .none, hidden: Bool = false
    ) -> OptionSpec {
        OptionSpec(name: name, arity: .single, valueName: valueName, help: help, defaultValue: defaultValue,
                   isRequired: required, isHidden: hidden, completion: completion)
    }

    public static func repeated(
        _ name: String, valueName: String, help: String, completion: Completion = .none
    ) -> OptionSpec {
        OptionSpec(name: name, arity: .repeated, valueName: valueName, help: help, defaultValue: nil,
                   isRequired: false, isHidden: false, completion: completion)
    }

    /// `--board <FILE>` or `--once`.
    var synopsis: String {
        self.arity == .flag ? "--\(self.name)" : "--\(self.name) <\(self.valueName)>"
    }
}
