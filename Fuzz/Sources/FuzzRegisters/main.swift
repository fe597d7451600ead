import CFuzzerDriver
import Glibc
import Registers

// Any registers, any type, order, byte, bit and length: decoding never crashes, and for the types a Double holds
// exactly, encoding the decoded value gives the registers back.
func fuzzRegisters(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 4 else { return 0 }
    let types = DataType.allCases
    let type = types[Int(data[0]) % types.count]
    let order = ByteOrder.allCases[Int(data[1]) % ByteOrder.allCases.count]
    let byte: ByteSelect = data[2] & 0x80 != 0 ? .high : .low
    let bit = Int(data[2] & 0x0F)
    let length = 1 + Int(data[3]) % 64
    let codec = ValueCodec(type: type, order: order, byte: byte, bit: bit, length: length)
    let available = (size - 4) / 2
    guard available >= codec.registerCount else { return 0 }
    var words = [UInt16](repeating: 0, count: codec.registerCount)
    for i in words.indices { words[i] = UInt16(data[4 + 2 * i]) << 8 | UInt16(data[5 + 2 * i]) }
    let value = codec.decode(words)
    if type == .string {
        _ = codec.text(words)
        return 0
    }
    switch type {
    case .int16, .uint16, .int32, .uint32, .float16, .float32, .float64:
        guard !value.isNaN else { return 0 }
        let back = RegisterEncoder.encode(value, as: type, order: order)
        precondition(back == words, "\(type) \(order): \(words) → \(value) → \(back)")
    default:
        break
    }
    return 0
}

/// libFuzzer's entry point, also exported under its C name (the runtime's own main refers to it).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    return fuzzRegisters(data, size)
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in testOneInput(data, size) }))
