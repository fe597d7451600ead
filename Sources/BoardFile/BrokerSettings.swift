/// The `mqtt:` section: where and how the agent publishes.
public struct BrokerSettings: Sendable, Hashable {
    /// The broker URL as written, e.g. `mqtt://127.0.0.1:1883`.
    public var url: String
    public var endpoint: Endpoint
    /// Topic prefix, one or more `/`-separated segments of `[A-Za-z0-9_-]`; default `otsentry`.
    public var topicPrefix: String
    /// QoS of summaries (0, 1 or 2); default 1. Status messages always use QoS 1.
    public var qos: Int
    /// MQTT client id; default `otsentry-<gateway>`.
    public var clientID: String
    /// Set for `mqtts://` URLs: TLS with the broker's certificate and host name verified.
    public var tls: BrokerTLS?
    /// MQTT user name, and the file holding the password (read at start; never logged).
    public var username: String?
    public var passwordFile: String?
    /// `format`: JSON topics (default) or Sparkplug B.
    public var format: OutputFormat = .json
    /// `group_id`: the Sparkplug group (required with `format: sparkplug`); the gateway id is the edge node id.
    public var groupID: String?

    public init(url: String, endpoint: Endpoint, topicPrefix: String, qos: Int, clientID: String,
                tls: BrokerTLS? = nil, username: String? = nil, passwordFile: String? = nil)
    {
        self.url = url
        self.endpoint = endpoint
        self.topicPrefix = topicPrefix
        self.qos = qos
        self.clientID = clientID
        self.tls = tls
        self.username = username
        self.passwordFile = passwordFile
    }

    public static let defaultPort = 1883
    public static let defaultTLSPort = 8883
    public static let defaultTopicPrefix = "otsentry"
    public static let defaultQoS = 1
}
