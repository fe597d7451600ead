import BoardFile
import Registers

/// The text `otsentry check` prints for a valid board: devices, channels, the requests of one poll cycle, and the
/// ring memory allocated at start-up.
public enum CheckReport {
    public static func render(_ board: Board) -> String {
        var out = "board \(board.file): valid\n"
        out += "gateway \(board.gateway): broker \(board.mqtt.url), topic prefix \(board.mqtt.topicPrefix), "
        out += "qos \(board.mqtt.qos), client id \(board.mqtt.clientID), summary every "
        out += "\(DurationFormat.describe(board.summaryInterval))\n"
        var totalRequests = 0
        var totalChannels = 0
        for device in board.devices {
            let plan = ReadPlanner.plan(device.channels)
            totalRequests += plan.requests.count
            totalChannels += device.channels.count
            out += "\ndevice \(device.id): \(device.transport), unit \(device.unit), poll every "
            out += "\(DurationFormat.describe(device.pollInterval)), timeout \(DurationFormat.describe(device.timeout))\n"
            let rows = [["channel", "table", "address", "type", "order", "scale", "offset", "unit", "window"]]
                + device.channels.map { c in
                    [c.id, c.table.rawValue, "\(c.address)", c.type.rawValue, c.type.hasByteOrder ? c.order.rawValue : "-",
                     Self.number(c.scaling.scale), Self.number(c.scaling.offset), c.unit.isEmpty ? "-" : c.unit,
                     "\(c.window)"]
                }
            out += Self.table(rows, indent: "  ")
            out += "  requests per poll cycle: \(plan.requests.count) (\(plan.registersPerCycle) registers, "
            out += "\(plan.bitsPerCycle) bits)\n"
            for request in plan.requests {
                let names = request.channels.map { device.channels[$0].id }.joined(separator: ", ")
                out += "    fc \(request.table.readFunctionCode) \(request): \(names)\n"
            }
            out += "  ring memory: \(RingLayout.bytes(device)) bytes\n"
        }
        out += "\ntotal: \(board.devices.count) devices, \(totalChannels) channels, \(totalRequests) requests per "
        out += "poll cycle, \(RingLayout.bytes(board)) bytes preallocated for rings\n"
        return out
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
