/// A host and TCP port, written `host:port`, `[ipv6]:port`, or `host` alone (default port).
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }

    /// Parses `text`; returns a message for the diagnostic when it is not an endpoint.
    public static func parse(_ text: String, defaultPort: Int) -> Result<Endpoint, EndpointError> {
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return .failure(.init("unterminated [ in IPv6 address")) }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(.init("expected :PORT after ]")) }
                portText = after.dropFirst()
            }
        } else if let colon = host.lastIndex(of: ":") {
            if host[..<colon].contains(":") {
                return .failure(.init("write IPv6 addresses in brackets, e.g. [fe80::1]:502"))
            }
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty else { return .failure(.init("missing host")) }
        let allowed = host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._:%".contains($0)) }
        guard allowed, host.utf8.count <= 253 else { return .failure(.init("invalid host \"\(host)\"")) }
        var port = defaultPort
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else {
                return .failure(.init("port must be a number from 1 to 65535, found \"\(portText)\""))
            }
            port = p
        }
        return .success(Endpoint(host: String(host), port: port))
    }
}

public struct EndpointError: Error, Sendable, Hashable {
    public var message: String
    init(_ message: String) { self.message = message }
}
