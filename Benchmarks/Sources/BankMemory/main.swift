import Detectors
import Posix

// The default detector bank's memory per channel, on the heap (`mallinfo2`), the channel's sample ring apart:
// 1,000 banks built as the agent builds them, then fed two hours of 1 Hz samples each (nothing may grow).
//   swift run --package-path Benchmarks -c release BankMemory
let count = 1000
// The period search's shared work arrays (one set per process) are allocated by a first bank.
let first = DetectorBank(.default, window: 1024)
struct Numbers {
    var state: UInt64 = 9
    mutating func next() -> Double {
        self.state = self.state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(self.state >> 11) * 0x1p-53
    }
}
var numbers = Numbers()
for step in 0..<5000 { first.update(100 + numbers.next(), at: Double(step)) }
let rings = (0..<count).map { _ in SampleRing(capacity: 1024) }
let before = HeapTrim.bytesInUse
var banks: [DetectorBank] = []
banks.reserveCapacity(count)
for i in 0..<count { banks.append(DetectorBank(.default, window: 1024, history: rings[i])) }
let built = HeapTrim.bytesInUse
for step in 0..<7200 {
    for bank in banks { bank.update(100 + numbers.next(), at: Double(step)) }
}
let after = HeapTrim.bytesInUse
print("default bank: \((built - before) / count) bytes a channel besides its ring (\(count) banks); "
    + "after 7,200 samples each: \(after - built) bytes more in all")
withExtendedLifetime((banks, rings, first)) {}
