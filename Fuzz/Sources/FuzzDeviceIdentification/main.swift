import CFuzzerDriver
import Glibc
import Modbus

// Any bytes as a Read Device Identification answer (MBAP header, then PDU): the parsers reject or accept without
// crashing; an accepted answer is consistent (objects fit the PDU) and survives a rebuild.
func fuzzIdentification(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if bytes.count >= 7, let mbap = try? DeviceIdentification.MBAP.parse(bytes.prefix(7)) {
        precondition(mbap.pduLength >= 1 && mbap.pduLength <= 253)
    }
    guard let response = try? DeviceIdentification.parse(pdu: bytes) else { return 0 }
    let objectBytes = response.objects.reduce(0) { $0 + 2 + $1.value.count }
    precondition(7 + objectBytes == bytes.count)
    var objects: [UInt8: [UInt8]] = [:]
    for o in response.objects { objects[o.id] = o.value }
    precondition(objects.count == response.objects.count, "duplicate objects accepted")
    let rebuilt = DeviceIdentification.responsePDU(readCode: response.readCode, conformityLevel: response.conformityLevel,
                                                   from: 0, objects: objects)
    let again = try! DeviceIdentification.parse(pdu: rebuilt)
    precondition(Set(again.objects.map(\.id)).isSubset(of: Set(objects.keys)))
    for o in again.objects { precondition(objects[o.id] == o.value) }
    for id in objects.keys { _ = DeviceIdentification(objects: objects).text(id) }
    return 0
}

/// libFuzzer's entry point, also exported under its C name (the runtime's own main refers to it).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    return fuzzIdentification(data, size)
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in testOneInput(data, size) }))
