/// The agent's version, as printed by `otsentry --version` and carried in the gateway status.
public enum AgentVersion {
    public static let current = "0.1.0"
}
