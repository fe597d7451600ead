import Glibc

/// An errno value with its `strerror` text.
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int32

    public init(_ code: Int32) { self.code = code }

    /// The current thread's errno.
    public static var current: SystemError { SystemError(errno) }

    public var description: String { String(cString: strerror(self.code)) }
}
