import Foundation

/// Parses a payload as a JSON object with Foundation (tests only; the agent never parses JSON this way).
public func jsonObject(_ bytes: [UInt8]) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
}

public func jsonObject(_ text: String) -> [String: Any]? { jsonObject(Array(text.utf8)) }
