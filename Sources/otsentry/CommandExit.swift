/// Ends the command with this exit status; whatever had to be said is already on stderr.
struct CommandExit: Error {
    let status: Int32

    init(_ status: Int32) {
        self.status = status
    }
}
