import BoardFile
import Foundation
import Testing

/// Inputs kept from fuzzing (`Fuzz/Regressions/board/`: seeds, and every crash once fixed) load without crashing,
/// and their diagnostics name the file.
struct FuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Regressions/board")

    @Test func boardInputsLoadOrReportCleanly() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        #expect(!names.isEmpty)
        for name in names {
            let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(name)))
            do {
                _ = try BoardLoader.parse(bytes, file: "fuzz.yaml")
            } catch {
                #expect(error.diagnostics.allSatisfy { $0.description.hasPrefix("fuzz.yaml") }, "\(name)")
            }
        }
    }
}
