import Glibc
import Posix
import YAML

extension BoardReader {
    static let profileKeys = ["profile", "description", "maker", "model", "source", "transport", "notes", "device",
                              "channels"]

    /// The directories searched for `profile: NAME` (`NAME.yaml`), in order: `$OTSENTRY_PROFILE_PATH`
    /// (colon-separated), `profiles/` next to the board, `../profiles/` from the board's directory,
    /// `/etc/otsentry/profiles`, `/usr/share/otsentry/boards/profiles`.
    func profileDirectories() -> [String] {
        var dirs: [String] = []
        if let env = getenv("OTSENTRY_PROFILE_PATH") {
            dirs += String(cString: env).split(separator: ":").map(String.init)
        }
        let file = self.sink.file
        let boardDir = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
        dirs += ["\(boardDir)/profiles", "\(boardDir)/../profiles", "/etc/otsentry/profiles",
                 "/usr/share/otsentry/boards/profiles"]
        return dirs
    }

    /// Loads and validates a profile (once per board load); problems inside it are reported with its own file
    /// name and positions.
    func profile(named name: String, at mark: YAMLMark, keyPath: String) -> ProfileDefinition? {
        if let cached = self.profiles.cache[name] { return cached }
        let candidates = self.profileDirectories().map { "\($0)/\(name).yaml" }
        guard let path = candidates.first(where: { access($0, R_OK) == 0 }) else {
            self.sink.error(mark, keyPath, "no profile \"\(name)\" (looked for \(name).yaml in "
                                + "\(self.profileDirectories().joined(separator: ", ")))")
            self.profiles.cache[name] = .some(nil)
            return nil
        }
        let profileSink = DiagnosticSink(file: path)
        defer { self.sink.append(profileSink) }
        let reader = BoardReader(sink: profileSink, profiles: self.profiles)
        var definition: ProfileDefinition?
        do {
            let bytes = try FileReader.read(path, limit: BoardLoader.maxFileBytes)
            if let root = try YAMLParser.parse(bytes, limits: YAMLLimits(maxBytes: BoardLoader.maxFileBytes)) {
                definition = reader.readProfile(root, name: name, file: path)
            } else {
                profileSink.error(YAMLMark(line: 1, column: 1), "", "the profile is empty")
            }
        } catch let error as YAMLError {
            profileSink.error(error.mark, "", error.message)
        } catch {
            profileSink.error(YAMLMark(line: 1, column: 1), "", "\(error)")
        }
        if !profileSink.isEmpty {
            self.sink.error(mark, keyPath, "profile \"\(name)\" (\(path)) is invalid")
            definition = nil
        }
        self.profiles.cache[name] = .some(definition)
        return definition
    }

    func readProfile(_ root: YAMLNode, name: String, file: String) -> ProfileDefinition? {
        guard let m = MappingReader(root, path: "", sink: self.sink) else { return nil }
        m.finish(known: Self.profileKeys)
        if let (declared, mark) = m.identifier("profile", required: true), declared != name {
            self.sink.error(mark, "profile", "declares \"\(declared)\" but is included as \"\(name)\" (file \(name).yaml)")
        }
        for key in ["description", "maker", "model", "source", "transport", "notes"] { _ = m.string(key, maxLength: 4096) }
        var overrides = DeviceOverrides()
        if let node = m.node("device"), let d = MappingReader(node, path: "device", sink: self.sink) {
            d.finish(known: Self.deviceSettingKeys)
            overrides = self.readDeviceSettings(d, isRTU: false)
        }
        var channels: [(channel: ChannelDefinition, index: Int)] = []
        var seen: [String: Int] = [:]
        if let seq = m.sequence("channels", required: true) {
            for (index, item) in seq.items.prefix(Self.maxChannelsPerDevice).enumerated() {
                guard let channel = self.readChannel(item, path: "channels[\(index)]",
                                                     maxRegisters: overrides.maxRegisters ?? 125)
                else { continue }
                if let first = seen[channel.id] {
                    self.sink.error(channel.mark, "channels[\(index)].id",
                                    "duplicate channel id \"\(channel.id)\" (also channels[\(first)])")
                }
                seen[channel.id] = index
                channels.append((channel, index))
            }
            self.checkOverlaps(channels, devicePath: "channels")
        }
        return ProfileDefinition(name: name, file: file, device: overrides, channels: channels.map(\.channel))
    }

    /// The device settings a mapping gives (board device or profile defaults).
    func readDeviceSettings(_ m: MappingReader, isRTU: Bool) -> DeviceOverrides {
        var o = DeviceOverrides()
        o.unit = m.integer("unit", in: isRTU ? 1...247 : 0...255)
        o.pollInterval = m.duration("poll_interval", in: Self.pollRange)
        o.timeout = m.duration("timeout", in: .milliseconds(10)...(.seconds(60)))
        o.retries = m.integer("retries", in: 0...10)
        o.pauseAfterConnect = m.duration("pause_after_connect", in: .zero...(.seconds(60)))
        o.pauseBetweenRequests = m.duration("pause_between_requests", in: .zero...(.seconds(10)))
        o.maxGap = m.integer("max_gap", in: 0...124)
        o.maxRegisters = m.integer("max_registers", in: 1...125)
        o.maxBits = m.integer("max_bits", in: 1...2000)
        o.degradeAfter = m.integer("degrade_after", in: 1...1000)
        o.degradeFor = m.duration("degrade_for", in: .seconds(1)...(.seconds(86400)))
        o.detectionLatency = m.duration("detection_latency", in: .zero...(.seconds(10)))
        o.identity = m.boolean("identity")
        o.identityInterval = m.duration("identity_interval", in: .seconds(1)...(.seconds(7 * 86400)))
        return o
    }
}

/// Profiles loaded while reading one board (each is read and checked once).
final class ProfileCache {
    var cache: [String: ProfileDefinition?] = [:]
}
