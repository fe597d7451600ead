/// What a channel is to the process, for integrity watching (`role:`): any change outside a maintenance window
/// is an alert. Channels without a role are process values.
public enum ChannelRole: String, Sendable, Hashable, CaseIterable {
    /// A setpoint or tuning value (MITRE ATT&CK for ICS T0836 Modify Parameter).
    case parameter
    /// An alarm limit or safety setting: changes are critical (T0838 Modify Alarm Settings, T0836).
    case safety
    /// A program checksum, version or download counter (T0843 Program Download).
    case program
}
