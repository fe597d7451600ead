import Registers

/// One Modbus read of a poll cycle: `count` registers (or bits) of `table` from `address`, serving `channels`
/// (indexes into the device's channel list, in address order).
public struct ReadRequest: Sendable, Hashable, CustomStringConvertible {
    public var table: RegisterTable
    public var address: Int
    public var count: Int
    public var channels: [Int]

    public init(table: RegisterTable, address: Int, count: Int, channels: [Int]) {
        self.table = table
        self.address = address
        self.count = count
        self.channels = channels
    }

    public var addresses: Range<Int> { self.address..<(self.address + self.count) }

    public var description: String {
        let noun = self.table.holdsBits ? (self.count == 1 ? "bit" : "bits") : (self.count == 1 ? "register" : "registers")
        let range = self.count == 1 ? "\(self.address)" : "\(self.address)..\(self.address + self.count - 1)"
        return "\(self.table.rawValue) \(range) (\(self.count) \(noun))"
    }
}
