import BoardFile

/// The topic contract, computed once at start-up from validated ids (no wildcard or control character can occur).
///
/// - `<prefix>/<gateway>/status`: gateway status, retained; also the will.
/// - `<prefix>/<gateway>/<device>/status`: device status, retained.
/// - `<prefix>/<gateway>/<device>/summary`: periodic summary, not retained.
/// - `<prefix>/<gateway>/alerts`: every alert event, not retained.
/// - `<prefix>/<gateway>/<device>/<channel>/alert/<rule>`: an open alert, retained; emptied on close.
/// - `<prefix>/<gateway>/<device>/alert/<rule>`: an open device-level alert (identity, mode, link), likewise.
/// - `<prefix>/<gateway>/<device>/identity`: the device's identity as last read, retained.
public struct Topics: Sendable, Hashable {
    public var root: String

    public init(prefix: String, gateway: String) {
        self.root = "\(prefix)/\(gateway)"
    }

    public init(board: Board) {
        self.init(prefix: board.mqtt.topicPrefix, gateway: board.gateway)
    }

    public var gatewayStatus: String { "\(self.root)/status" }

    public func deviceStatus(_ device: String) -> String { "\(self.root)/\(device)/status" }

    public func summary(_ device: String) -> String { "\(self.root)/\(device)/summary" }

    /// Every alert event of the gateway, not retained.
    public var alerts: String { "\(self.root)/alerts" }

    /// The current state of one alert: retained while open, cleared (empty retained message) on close.
    public func alert(device: String, channel: String, detector: String) -> String {
        "\(self.root)/\(device)/\(channel)/alert/\(detector)"
    }

    /// The current state of a device-level alert, retained while open.
    public func deviceAlert(device: String, rule: String) -> String { "\(self.root)/\(device)/alert/\(rule)" }

    public func identity(_ device: String) -> String { "\(self.root)/\(device)/identity" }
}
