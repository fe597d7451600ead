import CModbus
import Glibc
import Posix

/// Maps the errno left by a failed libmodbus call to a ``ModbusError/Kind``.
enum LibmodbusErrno {
    static func kind(_ code: Int32) -> ModbusError.Kind {
        let base = cmodbus_enobase
        if code > base && code <= base + 11 {
            return .exception(ModbusException(code: UInt8(code - base)))
        }
        switch code {
        case ETIMEDOUT:
            return .timedOut
        case ECONNRESET, ECONNREFUSED, ECONNABORTED, EPIPE, EBADF, ENOTCONN, EHOSTUNREACH, ENETUNREACH, ENETDOWN,
             EHOSTDOWN, EIO:
            return .linkDown(SystemError(code))
        case cmodbus_embbadcrc:
            return .protocolViolation("bad CRC")
        case cmodbus_embbaddata:
            return .protocolViolation("invalid data (answer does not match the request)")
        case cmodbus_embbadexc:
            return .protocolViolation("invalid exception code")
        case cmodbus_embunkexc:
            return .protocolViolation("unknown exception code")
        case cmodbus_embmdata:
            return .protocolViolation("too many data")
        case cmodbus_embbadslave:
            return .protocolViolation("answer from another unit")
        default:
            return .system(SystemError(code))
        }
    }
}
