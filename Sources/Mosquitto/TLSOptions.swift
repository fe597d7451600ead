/// TLS settings of a client: the trust anchors for the broker's certificate and, for mutual TLS, the client's
/// certificate and key. The broker's certificate is always verified, host name included.
public struct TLSOptions: Sendable, Hashable {
    /// PEM file of the CA certificates trusted to sign the broker's certificate.
    public var caFile: String?
    /// Directory of hashed CA certificates, used when `caFile` is nil; default the system store.
    public var caPath: String = "/etc/ssl/certs"
    /// PEM client certificate and its private key (both or neither).
    public var certFile: String?
    public var keyFile: String?
    /// The lowest protocol version accepted, as libmosquitto names it: "tlsv1.2" (TLS 1.3 stays allowed) or
    /// "tlsv1.3".
    public var minimumVersion: String = "tlsv1.2"

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }
}
