import BoardFile
import Registers

/// The text `otsentry check` prints for a valid board: devices, channels, the requests of one poll cycle, and the
/// ring memory allocated at start-up.
public enum CheckReport {
    public static func render(_ board: Board) -> String {
        var out = "board \(board.file): valid\n"
        for port in board.ports {
            out += "port \(port.name): \(port.settingsDescription), turnaround \(DurationFormat.describe(port.turnaround))\n"
        }
        if board.mqtt.format == .sparkplug {
            out += "gateway \(board.gateway): broker \(board.mqtt.url), Sparkplug B: group \(board.mqtt.groupID ?? ""), "
            out += "edge node \(board.gateway) (spBv1.0/\(board.mqtt.groupID ?? "")/…/\(board.gateway)), client id "
            out += "\(board.mqtt.clientID), full report every \(DurationFormat.describe(board.summaryInterval))\n"
        } else {
            out += "gateway \(board.gateway): broker \(board.mqtt.url), topic prefix \(board.mqtt.topicPrefix), "
            out += "qos \(board.mqtt.qos), client id \(board.mqtt.clientID), summary every "
            out += "\(DurationFormat.describe(board.summaryInterval))\n"
        }
        if let tls = board.mqtt.tls {
            out += "tls: \(tls.minVersion) or later, broker certificate and host name verified against "
            out += "\(tls.caFile ?? "the system CA store")"
            out += tls.certFile.map { ", client certificate \($0)" } ?? ""
            out += "\n"
        }
        if let user = board.mqtt.username {
            out += "mqtt user \(user)" + (board.mqtt.passwordFile.map { ", password from \($0)" } ?? "") + "\n"
        }
        var totalRequests = 0
        var totalChannels = 0
        for device in board.devices {
            let plan = ReadPlanner.plan(device)
            totalRequests += plan.requests.count
            totalChannels += device.channels.count
            out += "\ndevice \(device.id): \(device.transport), "
            if let profile = device.profile { out += "profile \(profile), " }
            out += "unit \(device.unit), poll every "
            out += "\(DurationFormat.describe(device.pollInterval)), timeout \(DurationFormat.describe(device.timeout)), "
            out += "retries \(device.retries), max_gap \(device.maxGap), max_registers \(device.maxRegisters), "
            out += "degrade after \(device.degradeAfter) failed cycles for \(DurationFormat.describe(device.degradeFor))\n"
            let watched = device.channels.filter { $0.role != nil }.map { "\($0.id) (\($0.role!.rawValue))" }
            if device.identity || !watched.isEmpty || !device.maintenance.isEmpty {
                var parts: [String] = []
                if device.identity {
                    parts.append("identity (0x11\(device.transport.isTCP ? ", 0x2B/0x0E" : "")) every "
                                 + DurationFormat.describe(device.identityInterval))
                }
                if !watched.isEmpty { parts.append("watched: " + watched.joined(separator: ", ")) }
                parts.append("maintenance: " + (device.maintenance.isEmpty ? "none (local time)"
                    : device.maintenance.map(\.description).joined(separator: "; ") + " (local time)"))
                parts.append(device.link.enabled ? "link watch: \(DurationFormat.describe(device.link.window)) windows, "
                    + "learns \(device.link.learn)" : "link watch off")
                out += "  integrity: " + parts.joined(separator: "; ") + "\n"
            }
            let rows = [["channel", "table", "address", "register", "type", "order", "scale", "offset", "unit", "poll",
                         "window"]]
                + device.channels.map { c in
                    [c.id, c.table.rawValue, "\(c.address)", c.modiconNumber.map { "\($0)" } ?? "-", Self.typeText(c),
                     c.type.hasByteOrder ? c.order.rawValue : "-", Self.number(c.scaling.scale),
                     Self.number(c.scaling.offset), c.unit.isEmpty ? "-" : c.unit,
                     DurationFormat.describe(device.pollInterval(of: c)), "\(c.window)"]
                }
            out += Self.table(rows, indent: "  ")
            out += "  requests per poll cycle: \(plan.requests.count) (\(plan.registersPerCycle) registers, "
            out += "\(plan.bitsPerCycle) bits)\n"
            for group in plan.groups {
                let registers = group.requests.filter { !$0.table.holdsBits }.reduce(0) { $0 + $1.count }
                let bits = group.requests.filter { $0.table.holdsBits }.reduce(0) { $0 + $1.count }
                out += "  every \(DurationFormat.describe(group.interval)): \(group.requests.count) requests, "
                out += "\(registers) registers, \(bits) bits\n"
                for request in group.requests {
                    let names = request.channels.map { device.channels[$0].id }.joined(separator: ", ")
                    out += "    fc \(request.table.readFunctionCode) \(request): \(names)\n"
                }
            }
            out += "  ring memory: \(RingLayout.bytes(device)) bytes\n"
        }
        out += "\ntotal: \(board.devices.count) devices, \(totalChannels) channels, \(totalRequests) requests per "
        out += "poll cycle, \(RingLayout.bytes(board)) bytes preallocated for rings\n"
        return out
    }

    static func typeText(_ c: ChannelDefinition) -> String {
        switch c.type {
        case .bit: "bit \(c.bit)"
        case .int8, .uint8: "\(c.type.rawValue) \(c.byte.rawValue)"
        case .string: "string[\(c.length)]"
        default: c.type.rawValue
        }
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? "\(Int64(x))" : "\(x)"
    }

    static func table(_ rows: [[String]], indent: String) -> String {
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        var out = ""
        for row in rows {
            var line = indent
            for (i, cell) in row.enumerated() {
                line += cell
                if i < row.count - 1 { line += String(repeating: " ", count: widths[i] - cell.count + 2) }
            }
            out += line + "\n"
        }
        return out
    }
}
