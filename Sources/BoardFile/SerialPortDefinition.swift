import YAML

/// One serial port of the gateway (`ports:` section), shared by the RTU devices on it: one libmodbus context, one
/// thread, one transaction at a time.
public struct SerialPortDefinition: Sendable, Hashable {
    public enum Parity: String, Sendable, Hashable, CaseIterable {
        case none
        case even
        case odd

        /// libmodbus' parity letter.
        public var letter: Character {
            switch self {
            case .none: "N"
            case .even: "E"
            case .odd: "O"
            }
        }
    }

    /// The port's name in the board (devices refer to it with `rtu:`).
    public var name: String
    /// The device node, e.g. `/dev/ttyS1`, `/dev/ttyUSB0`, `/dev/ttyAMA0`.
    public var device: String
    public var baud: Int
    public var parity: Parity
    public var dataBits: Int
    public var stopBits: Int
    /// Switch the UART to the kernel's RS-485 mode (TIOCSRS485), for drivers that support it. Adapters with
    /// automatic direction control (most USB ones) need `false`.
    public var rs485: Bool
    /// Silence kept between the end of one transaction and the start of the next on this bus.
    public var turnaround: Duration
    public var mark: YAMLMark

    public init(name: String, device: String, baud: Int = 19200, parity: Parity = .even, dataBits: Int = 8,
                stopBits: Int = 1, rs485: Bool = false, turnaround: Duration = .zero,
                mark: YAMLMark = YAMLMark(line: 1, column: 1)) {
        self.name = name
        self.device = device
        self.baud = baud
        self.parity = parity
        self.dataBits = dataBits
        self.stopBits = stopBits
        self.rs485 = rs485
        self.turnaround = turnaround
        self.mark = mark
    }

    /// `/dev/ttyS1 19200 8E1`.
    public var settingsDescription: String {
        "\(self.device) \(self.baud) \(self.dataBits)\(self.parity.letter)\(self.stopBits)\(self.rs485 ? " rs485" : "")"
    }

    public static let allowedBauds = [1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115_200, 230_400, 460_800,
                                      921_600]
}
