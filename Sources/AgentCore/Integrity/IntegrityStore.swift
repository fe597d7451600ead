import Logging
import Posix
import Synchronization

/// The integrity baselines, kept in the state directory (`integrity`) so that a change made while the agent was
/// stopped is still caught at the next start: per channel with a role, its parameter watch; per device, its
/// identity baseline. Written atomically whenever a baseline or an open change moves (rare events), by any bus
/// thread.
final class IntegrityStore: Sendable {
    struct ParameterState: Sendable, Hashable {
        var fingerprint: UInt64
        var baseline: Double
        var current: Double?
        var isOpen: Bool
        var baselineText: String?
    }

    private let path: String
    private let logger: Logger
    private struct State: Sendable {
        var parameters: [String: ParameterState] = [:]
        var identities: [String: [String: String]] = [:]
    }
    private let state = Mutex(State())

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
        self.load()
    }

    static func key(_ device: String, _ channel: String) -> String { "\(device)\t\(channel)" }

    func parameter(device: String, channel: String) -> ParameterState? {
        self.state.withLock { $0.parameters[Self.key(device, channel)] }
    }

    func identity(device: String) -> [String: String]? {
        self.state.withLock { $0.identities[device] }
    }

    /// Records the current states of a device (its role channels and identity baseline) and writes the file.
    func update(device: String, parameters: [(channel: String, state: ParameterState)], identity: [String: String]?) {
        // Rendered and written under the lock: two bus threads never write the temporary file at once.
        let failure = self.state.withLock { s -> SystemError? in
            for p in parameters { s.parameters[Self.key(device, p.channel)] = p.state }
            if let identity { s.identities[device] = identity }
            do throws(SystemError) {
                try FileWriter.write(Self.render(s), to: self.path, durable: true)
                return nil
            } catch {
                return error
            }
        }
        if let failure {
            self.logger.error("integrity baselines not saved", metadata: ["path": "\(self.path)", "error": "\(failure)"])
        }
    }

    private static func render(_ s: State) -> String {
        var out = "# otsentry integrity baselines v1\n"
        for (key, p) in s.parameters.sorted(by: { $0.key < $1.key }) {
            let current = p.current.map { String($0.bitPattern, radix: 16) } ?? "-"
            out += "param\t\(key)\t\(String(p.fingerprint, radix: 16))\t\(String(p.baseline.bitPattern, radix: 16))\t"
            out += "\(p.isOpen ? 1 : 0)\t\(current)\t\(p.baselineText.map(Self.escape) ?? "-")\n"
        }
        for (device, fields) in s.identities.sorted(by: { $0.key < $1.key }) {
            for (field, value) in fields.sorted(by: { $0.key < $1.key }) {
                out += "ident\t\(device)\t\(field)\t\(Self.escape(value))\n"
            }
        }
        return out
    }

    private func load() {
        guard let bytes = try? FileReader.read(self.path, limit: 16 << 20) else { return }
        var s = State()
        var bad = 0
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if f.count == 8, f[0] == "param", let fp = UInt64(f[3], radix: 16), let b = UInt64(f[4], radix: 16) {
                let current = UInt64(f[6], radix: 16).map(Double.init(bitPattern:))
                s.parameters[Self.key(f[1], f[2])] = ParameterState(
                    fingerprint: fp, baseline: Double(bitPattern: b), current: current, isOpen: f[5] == "1",
                    baselineText: f[7] == "-" ? nil : Self.unescape(f[7]))
            } else if f.count == 4, f[0] == "ident" {
                s.identities[f[1], default: [:]][f[2]] = Self.unescape(f[3])
            } else {
                bad += 1
            }
        }
        if bad > 0 {
            self.logger.warning("integrity baselines: unreadable lines skipped", metadata: [
                "path": "\(self.path)", "lines": "\(bad)",
            ])
        }
        self.state.withLock { $0 = s }
    }

    /// Tabs, newlines and backslashes escaped, so a value stays on its line and field.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func unescape(_ text: String) -> String {
        var out = ""
        var escaping = false
        for c in text.unicodeScalars {
            if escaping {
                switch c {
                case "t": out += "\t"
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.unicodeScalars.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
