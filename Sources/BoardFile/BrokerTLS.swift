/// The `mqtt.tls:` section: trust anchors and, for mutual TLS, the client certificate. Paths are absolute
/// (relative ones in the board are resolved against the board file's directory).
public struct BrokerTLS: Sendable, Hashable {
    /// PEM file of the CA certificates that sign the broker's certificate; nil = the system store
    /// (`/etc/ssl/certs`).
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    /// "tlsv1.2" (default; TLS 1.3 allowed too) or "tlsv1.3".
    public var minVersion: String

    public init(caFile: String?, certFile: String?, keyFile: String?, minVersion: String = "tlsv1.2") {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.minVersion = minVersion
    }
}
