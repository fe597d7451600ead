import CMosquitto
import Glibc

/// A libmosquitto failure: the `MOSQ_ERR_*` code and what was being done.
public struct MosquittoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `MOSQ_ERR_*` value (`mosq_err_t.rawValue`).
    public var code: Int32
    public var operation: String
    /// errno, when `code` is `MOSQ_ERR_ERRNO`.
    public var systemCode: Int32
    /// What libmosquitto logged about the failure (its error and warning lines), e.g. OpenSSL's
    /// "certificate verify failed" or "host name verification failed"; nil when it logged nothing.
    public var detail: String?

    public init(code: Int32, operation: String, systemCode: Int32 = 0, detail: String? = nil) {
        self.code = code
        self.operation = operation
        self.systemCode = systemCode
        self.detail = detail
    }

    public var description: String {
        let reason = self.code == MOSQ_ERR_ERRNO.rawValue
            ? String(cString: strerror(self.systemCode)) : String(cString: mosquitto_strerror(self.code))
        guard let detail else { return "\(self.operation): \(reason)" }
        return "\(self.operation): \(reason) (\(detail))"
    }

    /// A short name of the cause of a failed TLS connection, read from ``detail``: "host name mismatch",
    /// "certificate verify failed", "client certificate rejected" or nil when the failure was not about TLS
    /// trust.
    public var tlsCause: String? {
        guard let detail = self.detail?.lowercased() else { return nil }
        if detail.contains("host name verification failed") || detail.contains("hostname mismatch") {
            return "host name mismatch"
        }
        if detail.contains("certificate verify failed") { return "certificate verify failed" }
        if detail.contains("certificate required") || detail.contains("bad certificate")
            || detail.contains("unknown ca") || detail.contains("certificate unknown")
        {
            return "client certificate rejected"
        }
        if detail.contains("ssl") || detail.contains("tls") { return "TLS handshake failed" }
        return nil
    }

    /// The broker's reason for refusing a connection (CONNACK return code), as libmosquitto words it.
    public static func connackReason(_ code: Int32) -> String {
        String(cString: mosquitto_connack_string(code))
    }

    /// The text of a `MOSQ_ERR_*` code, e.g. the reason passed to a disconnect callback.
    public static func text(_ code: Int32) -> String {
        String(cString: mosquitto_strerror(code))
    }
}
