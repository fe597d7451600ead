import BoardFile

/// The topic contract, computed once at start-up from validated ids (no wildcard or control character can occur).
///
/// - `<prefix>/<gateway>/status`: gateway status, retained; also the will.
/// - `<prefix>/<gateway>/<device>/status`: device status, retained.
/// - `<prefix>/<gateway>/<device>/summary`: periodic summary, not retained.
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
}
