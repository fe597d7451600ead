/// One immutable copy of a value for every channel that uses it (see ``InternTable``).
public final class Shared<Value: Hashable & Sendable>: Sendable {
    public let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
