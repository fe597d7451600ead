/// Room for the events of one ``DetectorBank/update(_:at:)`` (at most one per detector kind), allocated once.
/// The banks of one device's channels share one: they are updated one after the other on the device's thread,
/// and each update's events are read before the next channel's update (``DetectorBank/events`` is valid until
/// then). 0.2 KB a channel saved on a thousand-channel board.
public final class AlertEventScratch: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<AlertEvent>

    public init() {
        self.slots = .allocate(capacity: DetectorKind.allCases.count)
        self.slots.initialize(repeating: AlertEvent(kind: .range, transition: .open, severity: .low, value: 0,
                                                    time: 0, verdict: .quiet, extreme: 0))
    }

    deinit { self.slots.deallocate() }
}
