import Testing
import YAML

struct YAMLParserTests {
    func parse(_ text: String) throws -> YAMLNode? { try YAMLParser.parse(Array(text.utf8)) }

    @Test func buildsMappingsSequencesAndScalarsWithMarks() throws {
        let root = try #require(try parse("a: 1\nb:\n  - x\n  - 'y'\n"))
        guard case .mapping(let m) = root else { Issue.record("not a mapping"); return }
        #expect(m.entries.map(\.key.value) == ["a", "b"])
        #expect(m.entries[0].key.mark == YAMLMark(line: 1, column: 1))
        guard case .scalar(let one) = m.entries[0].value else { Issue.record("a is not a scalar"); return }
        #expect(one.value == "1" && one.style == .plain && one.mark == YAMLMark(line: 1, column: 4))
        guard case .sequence(let seq) = m.entries[1].value else { Issue.record("b is not a sequence"); return }
        #expect(seq.items.count == 2)
        guard case .scalar(let y) = seq.items[1] else { Issue.record("not a scalar"); return }
        #expect(y.value == "y" && y.style == .quoted && y.mark == YAMLMark(line: 4, column: 5))
    }

    @Test func emptyDocumentIsNil() throws {
        #expect(try parse("") == nil)
        #expect(try parse("# only a comment\n") == nil)
    }

    @Test func reportsSyntaxErrorsWithPosition() {
        #expect(throws: YAMLError.self) { try parse("a: [1, 2\n") }
        do {
            _ = try YAMLParser.parse(Array("a: 1\n b: 2\n".utf8))
            Issue.record("parsed a broken document")
        } catch {
            #expect(error.mark.line == 2)
        }
    }

    @Test func refusesAliasesAndSecondDocuments() {
        #expect(throws: YAMLError(message: "aliases (*name) are not supported in board files",
                                  mark: YAMLMark(line: 1, column: 4))) {
            try parse("a: *x\n")
        }
        #expect(throws: YAMLError.self) { try parse("a: 1\n---\nb: 2\n") }
    }

    @Test func enforcesLimits() {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(throws: YAMLError.self) { try YAMLParser.parse(Array(deep.utf8)) }
        #expect(throws: YAMLError.self) { try YAMLParser.parse(Array("a: 1".utf8), limits: YAMLLimits(maxBytes: 2)) }
        let long = "a: " + String(repeating: "x", count: 5000)
        #expect(throws: YAMLError.self) { try YAMLParser.parse(Array(long.utf8)) }
    }
}
