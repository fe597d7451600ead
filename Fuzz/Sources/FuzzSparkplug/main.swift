import CFuzzerDriver
import Glibc
import Sparkplug

// Any bytes as a Sparkplug command (NCMD/DCMD from the network) and as a spooled payload being prepared for
// sending: both reject or accept without crashing. A prepared payload reads back with one `seq`, the same number of
// metrics (length-delimited field 2), each marked historical.
func fuzzSparkplug(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let metrics = try? CommandMetric.decode(bytes) {
        precondition(metrics.count <= 4097)
        _ = metrics.map(\.isRebirthRequest)
    }
    var writer = ProtobufWriter()
    guard (try? PayloadRewriter.prepare(bytes, seq: 255, historical: true, into: &writer)) != nil else { return 0 }
    var input = ProtobufReader(bytes[...])
    var metricsIn = 0
    while let (field, value) = try! input.next() { if field == 2, case .bytes = value { metricsIn += 1 } }
    var output = ProtobufReader(writer.bytes[...])
    var metricsOut = 0, seqs = 0
    while let (field, value) = try! output.next() {
        if field == 3 { seqs += 1 }
        if field == 2, case .bytes(let body) = value {
            metricsOut += 1
            var metric = ProtobufReader(body)
            var historical = 0
            while let (f, v) = try! metric.next() { if f == 5, case .varint(1) = v { historical += 1 } }
            precondition(historical == 1, "a replayed metric must be historical exactly once")
        }
    }
    precondition(seqs == 1 && metricsIn == metricsOut)
    return 0
}

/// libFuzzer's entry point, also exported under its C name (the runtime's own main refers to it).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    return fuzzSparkplug(data, size)
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in testOneInput(data, size) }))
