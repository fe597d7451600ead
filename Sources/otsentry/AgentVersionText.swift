import AgentCore

enum AgentVersionText {
    static let value = AgentVersion.current
}
