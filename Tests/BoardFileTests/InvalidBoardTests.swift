import BoardFile
import Foundation
import Testing

/// Every file in `Fixtures/invalid/` is a broken board; its `.expected` file holds the exact diagnostics
/// (`FILE:LINE:COL: error: KEY.PATH: MESSAGE`, all of them, in order) that loading it must print.
struct InvalidBoardTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/invalid")

    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func fixturesExist() {
        #expect(Self.cases.count >= 9)
    }

    @Test(arguments: cases)
    func reportsEveryProblem(_ name: String) throws {
        let yaml = try Data(contentsOf: Self.directory.appendingPathComponent("\(name).yaml"))
        let expected = try String(contentsOf: Self.directory.appendingPathComponent("\(name).expected"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        do {
            let board = try BoardLoader.parse(Array(yaml), file: "\(name).yaml")
            Issue.record("\(name) loaded as a valid board: \(board.gateway)")
        } catch {
            #expect(error.diagnostics.map(\.description) == expected)
        }
    }

    @Test func unreadableFileNamesTheFile() {
        #expect(throws: BoardError.unreadable(file: "/nonexistent/board.yaml",
                                              reason: "cannot open: No such file or directory")) {
            try BoardLoader.load(path: "/nonexistent/board.yaml")
        }
    }
}
