import Foundation
import Modbus
import Testing

/// Inputs kept from fuzzing the device-identification parser (`Fuzz/Regressions/device-identification/`).
struct FuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Regressions/device-identification")

    @Test func identificationInputsParseOrAreRejected() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        #expect(!names.isEmpty)
        var accepted = 0
        for name in names {
            let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(name)))
            if let response = try? DeviceIdentification.parse(pdu: bytes) {
                accepted += 1
                #expect(7 + response.objects.reduce(0) { $0 + 2 + $1.value.count } == bytes.count, "\(name)")
            }
        }
        #expect(accepted >= 1, "the seed answer parses")
    }
}
