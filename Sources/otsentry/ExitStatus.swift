import Glibc

/// sysexits(3) codes used by the command-line tool.
enum ExitStatus {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let cannotCreate: Int32 = 73
    static let config: Int32 = 78

    static func printError(_ text: String) {
        self.write(text + "\n", to: 2)
    }

    /// Writes to stdout at once (unbuffered: a live view must show each frame when it is drawn).
    static func printOut(_ text: String) {
        self.write(text, to: 1)
    }

    private static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}
