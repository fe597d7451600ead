import CYAML

/// Parses one YAML document with libyaml into a ``YAMLNode`` tree.
public enum YAMLParser {
    /// Parses `bytes` (UTF-8). Returns `nil` for an empty document (no content at all).
    public static func parse(_ bytes: [UInt8], limits: YAMLLimits = .default) throws(YAMLError) -> YAMLNode? {
        if bytes.count > limits.maxBytes {
            throw YAMLError(message: "document is \(bytes.count) bytes, more than the limit of \(limits.maxBytes)",
                            mark: YAMLMark(line: 1, column: 1))
        }
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLError(message: "cannot initialise the YAML parser", mark: YAMLMark(line: 1, column: 1))
        }
        defer { yaml_parser_delete(parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode? in
            // libyaml keeps the pointer; the buffer outlives the parser because both end in this scope.
            yaml_parser_set_input_string(parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count)
            var builder = TreeBuilder(limits: limits)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) == 1 else {
                    throw syntaxError(parser.pointee)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.consume(event)
            }
            return builder.root
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
        let context = parser.context.map { String(cString: $0) }
        let message = context.map { "\(problem) \($0)" } ?? problem
        return YAMLError(message: message, mark: mark(parser.problem_mark))
    }

    static func mark(_ m: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: Int(m.line) + 1, column: Int(m.column) + 1)
    }
}

/// Builds the tree from libyaml events with an explicit stack (no recursion over untrusted depth).
private struct TreeBuilder {
    enum Open {
        case mapping(YAMLMark, [YAMLMapping.Entry], pendingKey: YAMLScalar?)
        case sequence(YAMLMark, [YAMLNode])
    }

    let limits: YAMLLimits
    var stack: [Open] = []
    var root: YAMLNode?
    var nodes = 0
    var documents = 0

    init(limits: YAMLLimits) { self.limits = limits }

    mutating func consume(_ event: yaml_event_t) throws(YAMLError) {
        let mark = YAMLParser.mark(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            self.documents += 1
            if self.documents > 1 {
                throw YAMLError(message: "a board file holds one YAML document; found a second one", mark: mark)
            }
        case YAML_ALIAS_EVENT:
            throw YAMLError(message: "aliases (*name) are not supported in board files", mark: mark)
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            if s.anchor != nil { throw anchorError(mark) }
            if s.length > self.limits.maxScalarBytes {
                throw YAMLError(message: "scalar of \(s.length) bytes exceeds the limit of \(self.limits.maxScalarBytes)",
                                mark: mark)
            }
            let value = String(decoding: UnsafeBufferPointer(start: s.value, count: Int(s.length)), as: UTF8.self)
            let style: YAMLScalar.Style
            switch s.style {
            case YAML_PLAIN_SCALAR_STYLE: style = .plain
            case YAML_SINGLE_QUOTED_SCALAR_STYLE, YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .quoted
            default: style = .block
            }
            let tag = s.tag.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            try self.add(.scalar(YAMLScalar(value: value, style: style, tag: tag, mark: mark)), at: mark)
        case YAML_SEQUENCE_START_EVENT:
            if event.data.sequence_start.anchor != nil { throw anchorError(mark) }
            try self.open(.sequence(mark, []), at: mark)
        case YAML_MAPPING_START_EVENT:
            if event.data.mapping_start.anchor != nil { throw anchorError(mark) }
            try self.open(.mapping(mark, [], pendingKey: nil), at: mark)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let node: YAMLNode
            switch self.stack.removeLast() {
            case .sequence(let m, let items): node = .sequence(YAMLSequence(items: items, mark: m))
            case .mapping(let m, let entries, _): node = .mapping(YAMLMapping(entries: entries, mark: m))
            }
            try self.attach(node, at: node.mark)
        default:
            break
        }
    }

    private func anchorError(_ mark: YAMLMark) -> YAMLError {
        YAMLError(message: "anchors (&name) are not supported in board files", mark: mark)
    }

    private mutating func open(_ container: Open, at mark: YAMLMark) throws(YAMLError) {
        try self.count(at: mark)
        if self.stack.count >= self.limits.maxDepth {
            throw YAMLError(message: "nesting deeper than \(self.limits.maxDepth) levels", mark: mark)
        }
        if case .mapping(_, _, nil) = self.stack.last {
            throw YAMLError(message: "mapping keys must be scalars", mark: mark)
        }
        self.stack.append(container)
    }

    private mutating func add(_ node: YAMLNode, at mark: YAMLMark) throws(YAMLError) {
        try self.count(at: mark)
        try self.attach(node, at: mark)
    }

    private mutating func count(at mark: YAMLMark) throws(YAMLError) {
        self.nodes += 1
        if self.nodes > self.limits.maxNodes {
            throw YAMLError(message: "more than \(self.limits.maxNodes) nodes", mark: mark)
        }
    }

    private mutating func attach(_ node: YAMLNode, at mark: YAMLMark) throws(YAMLError) {
        guard let top = self.stack.popLast() else {
            self.root = node
            return
        }
        switch top {
        case .sequence(let m, var items):
            items.append(node)
            self.stack.append(.sequence(m, items))
        case .mapping(let m, var entries, let pendingKey):
            if let key = pendingKey {
                entries.append(YAMLMapping.Entry(key: key, value: node))
                self.stack.append(.mapping(m, entries, pendingKey: nil))
            } else if case .scalar(let key) = node {
                self.stack.append(.mapping(m, entries, pendingKey: key))
            } else {
                throw YAMLError(message: "mapping keys must be scalars", mark: mark)
            }
        }
    }
}
