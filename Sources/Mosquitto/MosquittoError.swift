import CMosquitto
import Glibc

/// A libmosquitto failure: the `MOSQ_ERR_*` code and what was being done.
public struct MosquittoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `MOSQ_ERR_*` value (`mosq_err_t.rawValue`).
    public var code: Int32
    public var operation: String
    /// errno, when `code` is `MOSQ_ERR_ERRNO`.
    public var systemCode: Int32

    public init(code: Int32, operation: String, systemCode: Int32 = 0) {
        self.code = code
        self.operation = operation
        self.systemCode = systemCode
    }

    public var description: String {
        if self.code == MOSQ_ERR_ERRNO.rawValue {
            return "\(self.operation): \(String(cString: strerror(self.systemCode)))"
        }
        return "\(self.operation): \(String(cString: mosquitto_strerror(self.code)))"
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
