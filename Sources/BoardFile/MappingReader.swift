import YAML

/// Reads the keys of one YAML mapping with strict typing, recording a diagnostic for every problem, and at the
/// end for every unknown or duplicated key.
struct MappingReader {
    let mapping: YAMLMapping
    let path: String
    let sink: DiagnosticSink

    /// Returns nil (after a diagnostic) when `node` is not a mapping.
    init?(_ node: YAMLNode, path: String, sink: DiagnosticSink) {
        guard case .mapping(let mapping) = node else {
            sink.error(node.mark, path, "expected a mapping, found \(node.kindDescription)")
            return nil
        }
        self.mapping = mapping
        self.path = path
        self.sink = sink
    }

    func child(_ key: String) -> String { self.path.isEmpty ? key : "\(self.path).\(key)" }

    /// The value of `key`, or nil when absent (after a diagnostic if `required`).
    func node(_ key: String, required: Bool = false) -> YAMLNode? {
        if let value = self.mapping[key] { return value }
        if required { self.sink.error(self.mapping.mark, self.child(key), "missing required key") }
        return nil
    }

    func scalar(_ key: String, required: Bool = false) -> YAMLScalar? {
        guard let node = self.node(key, required: required) else { return nil }
        guard case .scalar(let scalar) = node, !scalar.isNull else {
            self.sink.error(node.mark, self.child(key), "expected a value, found \(node.kindDescription)")
            return nil
        }
        return scalar
    }

    func string(_ key: String, required: Bool = false, maxLength: Int = 256) -> (String, YAMLMark)? {
        guard let s = self.scalar(key, required: required) else { return nil }
        guard s.value.utf8.count <= maxLength else {
            self.sink.error(s.mark, self.child(key), "longer than \(maxLength) bytes")
            return nil
        }
        guard s.value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            self.sink.error(s.mark, self.child(key), "contains control characters")
            return nil
        }
        return (s.value, s.mark)
    }

    func identifier(_ key: String, required: Bool = false) -> (String, YAMLMark)? {
        guard let (text, mark) = self.string(key, required: required) else { return nil }
        guard Identifier.isValid(text) else {
            self.sink.error(mark, self.child(key), "\"\(text)\" is not a valid id (\(Identifier.rule))")
            return nil
        }
        return (text, mark)
    }

    func integer(_ key: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let s = self.scalar(key, required: required) else { return nil }
        guard s.style == .plain, let value = Self.parseInteger(s.value) else {
            self.sink.error(s.mark, self.child(key), "expected an integer, found \"\(s.value)\"")
            return nil
        }
        guard range.contains(value) else {
            self.sink.error(s.mark, self.child(key),
                            "\(value) is out of range (\(range.lowerBound) to \(range.upperBound))")
            return nil
        }
        return value
    }

    func number(_ key: String, required: Bool = false) -> Double? {
        guard let s = self.scalar(key, required: required) else { return nil }
        let text = s.value.replacingUnderscores()
        guard s.style == .plain, let value = Self.parseInteger(s.value).map(Double.init) ?? Double(text),
              value.isFinite
        else {
            self.sink.error(s.mark, self.child(key), "expected a finite number, found \"\(s.value)\"")
            return nil
        }
        return value
    }

    func boolean(_ key: String, required: Bool = false) -> Bool? {
        guard let s = self.scalar(key, required: required) else { return nil }
        switch s.value {
        case "true" where s.style == .plain: return true
        case "false" where s.style == .plain: return false
        default:
            self.sink.error(s.mark, self.child(key), "expected true or false, found \"\(s.value)\"")
            return nil
        }
    }

    func duration(_ key: String, in range: ClosedRange<Duration>, required: Bool = false) -> Duration? {
        guard let s = self.scalar(key, required: required) else { return nil }
        guard let value = DurationFormat.parse(s.value) else {
            self.sink.error(s.mark, self.child(key),
                            "expected a duration such as 100ms, 10s, 5m or 1h, found \"\(s.value)\"")
            return nil
        }
        guard range.contains(value) else {
            self.sink.error(s.mark, self.child(key),
                            "\(s.value) is out of range (\(DurationFormat.describe(range.lowerBound)) to "
                                + "\(DurationFormat.describe(range.upperBound)))")
            return nil
        }
        return value
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type, required: Bool = false) -> T?
    where T.RawValue == String {
        guard let s = self.scalar(key, required: required) else { return nil }
        if let value = T(rawValue: s.value) { return value }
        let names = T.allCases.map(\.rawValue).joined(separator: ", ")
        self.sink.error(s.mark, self.child(key), "unknown value \"\(s.value)\" (expected one of: \(names))")
        return nil
    }

    func sequence(_ key: String, required: Bool = false) -> YAMLSequence? {
        guard let node = self.node(key, required: required) else { return nil }
        guard case .sequence(let seq) = node else {
            self.sink.error(node.mark, self.child(key), "expected a sequence, found \(node.kindDescription)")
            return nil
        }
        return seq
    }

    /// Reports keys not in `known` (with a suggestion when one is close) and keys given twice.
    func finish(known: [String]) {
        var seen: [String: YAMLMark] = [:]
        for entry in self.mapping.entries {
            let key = entry.key.value
            if let first = seen[key] {
                self.sink.error(entry.key.mark, self.child(key), "duplicate key (first given at line \(first.line))")
                continue
            }
            seen[key] = entry.key.mark
            if !known.contains(key) {
                var message = "unknown key"
                if let hint = Self.closest(to: key, in: known) { message += " (did you mean \"\(hint)\"?)" }
                self.sink.error(entry.key.mark, self.child(key), message)
            }
        }
    }

    static func parseInteger(_ text: String) -> Int? {
        var t = Substring(text.replacingUnderscores())
        var negative = false
        if t.hasPrefix("-") {
            negative = true
            t = t.dropFirst()
        } else if t.hasPrefix("+") {
            t = t.dropFirst()
        }
        let value: Int?
        if t.hasPrefix("0x") || t.hasPrefix("0X") {
            value = Int(t.dropFirst(2), radix: 16)
        } else {
            value = t.allSatisfy(\.isASCII) ? Int(t, radix: 10) : nil
        }
        guard let value else { return nil }
        return negative ? -value : value
    }

    static func closest(to key: String, in known: [String]) -> String? {
        let best = known.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
        guard let (name, distance) = best, distance <= max(1, key.count / 3) else { return nil }
        return name
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension String {
    func replacingUnderscores() -> String { String(self.filter { $0 != "_" }) }
}
