// The agent's poll path, back to back, against the libmodbus server on 127.0.0.1:PORT: 1,000 holding registers
// in 8 blocks of 125 (registers 0..999) and 200 scattered registers (2000, 2020, … 5980: too far apart to merge),
// all uint16 channels with 1,024-sample rings, as one device of a board. Prints one line of figures.
//
//   PollThroughput PORT SECONDS
import AgentCore
import BoardFile
import Glibc

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]), let seconds = Double(arguments[2]) else {
    print("usage: PollThroughput PORT SECONDS")
    exit(64)
}

var channels: [ChannelDefinition] = []
for address in 0..<1000 {
    channels.append(ChannelDefinition(id: "b\(address)", table: .holding, address: address, type: .uint16))
}
for i in 0..<200 {
    channels.append(ChannelDefinition(id: "s\(i)", table: .holding, address: 2000 + 20 * i, type: .uint16))
}
let device = DeviceDefinition(id: "bench", transport: .tcp(Endpoint(host: "127.0.0.1", port: port)),
                              timeout: .seconds(1), channels: channels)
let plan = ReadPlanner.plan(device)
precondition(plan.requests.count == 208 && plan.registersPerCycle == 1200, "unexpected plan: \(plan.requests.count)")

do {
    let r = try PollBenchmark.run(device, seconds: seconds)
    let perSecond = Double(r.registers) / r.wallSeconds
    let cpuPerMillion = r.cpuSeconds / (Double(r.registers) / 1e6)
    print("swift cycles=\(r.cycles) requests=\(r.requests) registers=\(r.registers) failures=\(r.failures) "
          + "wall_s=\(r.wallSeconds) cpu_s=\(r.cpuSeconds) registers_per_s=\(Int(perSecond)) "
          + "cpu_s_per_million_registers=\(cpuPerMillion)")
} catch {
    print("PollThroughput: \(error)")
    exit(69)
}
