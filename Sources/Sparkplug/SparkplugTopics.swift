/// The Sparkplug B topic namespace of one Edge Node: `spBv1.0/<group_id>/<message_type>/<edge_node_id>[/<device_id>]`.
public struct SparkplugTopics: Sendable, Hashable {
    public static let namespace = "spBv1.0"
    public let group: String
    public let edgeNode: String

    public init(group: String, edgeNode: String) {
        self.group = group
        self.edgeNode = edgeNode
    }

    private func node(_ type: String) -> String { "\(Self.namespace)/\(self.group)/\(type)/\(self.edgeNode)" }

    public var nodeBirth: String { self.node("NBIRTH") }
    public var nodeDeath: String { self.node("NDEATH") }
    public var nodeData: String { self.node("NDATA") }
    public var nodeCommand: String { self.node("NCMD") }
    public func deviceBirth(_ device: String) -> String { "\(self.node("DBIRTH"))/\(device)" }
    public func deviceDeath(_ device: String) -> String { "\(self.node("DDEATH"))/\(device)" }
    public func deviceData(_ device: String) -> String { "\(self.node("DDATA"))/\(device)" }
    /// Subscribed to only to count and refuse: otsentry never writes to a PLC.
    public var deviceCommands: String { "\(self.node("DCMD"))/+" }
}
