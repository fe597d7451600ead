import Foundation

/// A fresh directory under the system temp dir, removed by ``remove()``.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(prefix: String = "otsentry-test") {
        let template = NSTemporaryDirectory() + "\(prefix)-XXXXXX"
        var bytes = Array(template.utf8CString)
        let made = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        self.path = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func file(_ name: String) -> String { "\(self.path)/\(name)" }

    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let p = self.file(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    public func remove() { try? FileManager.default.removeItem(atPath: self.path) }

    deinit { self.remove() }
}
