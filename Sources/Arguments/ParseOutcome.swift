/// What the command line asks for.
public enum ParseOutcome: Sendable, Equatable {
    /// Run a command with these arguments.
    case run(ParsedArguments)
    /// Print this text on stdout and exit 0 (`--help`, `-h`, `help [SUBCOMMAND]`, `--version`).
    case print(String)
}
