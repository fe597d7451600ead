/// A device profile (`Boards/profiles/<name>.yaml`): the channels of one device model, built from its maker's
/// register map, and default device settings. A board device includes it with `profile: <name>`, and may
/// override its settings and channels (same id) or add channels.
struct ProfileDefinition: Sendable, Hashable {
    var name: String
    var file: String
    var device: DeviceOverrides
    var channels: [ChannelDefinition]
}
