import Foundation
import Sparkplug
import Testing

/// Inputs kept from fuzzing the Sparkplug decoder and payload preparation (`Fuzz/Regressions/sparkplug/`).
struct FuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Regressions/sparkplug")

    @Test func commandInputsDecodeOrAreRejected() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).sorted()
        #expect(!names.isEmpty)
        var rebirths = 0
        for name in names {
            let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(name)))
            if let metrics = try? CommandMetric.decode(bytes) { rebirths += metrics.filter(\.isRebirthRequest).count }
            var writer = ProtobufWriter()
            if (try? PayloadRewriter.prepare(bytes, seq: 1, historical: true, into: &writer)) != nil {
                #expect(writer.bytes.suffix(2) == [0x18, 0x01], "\(name): seq appended")
            }
        }
        #expect(rebirths == 1, "the pysparkplug rebirth command is recognised")
    }
}
