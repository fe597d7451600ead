import BoardFile
import CFuzzerDriver
import Glibc

// Any bytes as a board file: the loader returns a board or diagnostics; it never crashes, and every diagnostic
// names the file and a position inside it.
func fuzzBoard(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let board = try BoardLoader.parse(bytes, file: "fuzz.yaml")
        precondition(!board.devices.isEmpty)
        for device in board.devices {
            let plan = ReadPlanner.plan(device)
            for request in plan.requests { precondition(request.count >= 1 && request.count <= 2000) }
        }
    } catch {
        for d in error.diagnostics { precondition(d.description.hasPrefix("fuzz.yaml")) }
    }
    return 0
}

/// libFuzzer's entry point, also exported under its C name (the runtime's own main refers to it).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    return fuzzBoard(data, size)
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in testOneInput(data, size) }))
