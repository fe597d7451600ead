import Foundation
import Posix
import Testing

struct CivilTimeTests {
    @Test(arguments: [0, 951_782_400_000, 1_795_708_879_123, -1, 4_102_444_799_999, 1_709_164_800_500] as [Int64])
    func agreesWithFoundation(_ ms: Int64) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let expected = formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
        #expect(CivilTime(unixMilliseconds: ms).rfc3339 == expected)
    }
}
