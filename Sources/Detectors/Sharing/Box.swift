/// A value on the heap: an optional detector that most banks do not configure takes 8 bytes in them instead of its
/// whole size.
final class Box<Value>: @unchecked Sendable {
    @exclusivity(unchecked) var value: Value

    init(_ value: Value) {
        self.value = value
    }
}
