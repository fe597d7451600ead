import CModbus
import Registers

/// The four data tables of one simulated or test server unit (a libmodbus `modbus_mapping_t`), each 65,536
/// items long. Access it only inside ``ModbusServer/withRegisters(_:)``.
public final class RegisterMap: @unchecked Sendable {
    let mapping: UnsafeMutablePointer<modbus_mapping_t>

    public static let size = 65536

    init() {
        let n = Int32(Self.size)
        guard let mapping = modbus_mapping_new(n, n, n, n) else { fatalError("modbus_mapping_new: out of memory") }
        self.mapping = mapping
    }

    deinit { modbus_mapping_free(self.mapping) }

    /// The 16-bit register at `address` of the input or holding table.
    public subscript(table: RegisterTable, address: Int) -> UInt16 {
        get {
            switch table {
            case .holding: self.mapping.pointee.tab_registers[address]
            case .input: self.mapping.pointee.tab_input_registers[address]
            case .coil: UInt16(self.mapping.pointee.tab_bits[address])
            case .discrete: UInt16(self.mapping.pointee.tab_input_bits[address])
            }
        }
        set {
            switch table {
            case .holding: self.mapping.pointee.tab_registers[address] = newValue
            case .input: self.mapping.pointee.tab_input_registers[address] = newValue
            case .coil: self.mapping.pointee.tab_bits[address] = newValue != 0 ? 1 : 0
            case .discrete: self.mapping.pointee.tab_input_bits[address] = newValue != 0 ? 1 : 0
            }
        }
    }

    /// Sets consecutive registers (or bits) from `address`.
    public func set(_ table: RegisterTable, address: Int, _ values: [UInt16]) {
        for (i, v) in values.enumerated() { self[table, address + i] = v }
    }
}
