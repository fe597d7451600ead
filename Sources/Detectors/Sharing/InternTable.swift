import Synchronization

/// Hands out one ``Shared`` copy per distinct value. Detector parameters are the same for most channels of a
/// board: read at every sample through a shared copy, they stay in cache, where a copy in each channel's objects
/// (a few hundred bytes each) would be read from memory for each channel in turn, and take room. The table grows
/// only with the distinct values boards declare (a handful); it is used when banks are built, never per sample.
final class InternTable<Value: Hashable & Sendable>: Sendable {
    private let table = Mutex<[Value: Shared<Value>]>([:])

    func shared(_ value: Value) -> Shared<Value> {
        self.table.withLock { table in
            if let shared = table[value] { return shared }
            let shared = Shared(value)
            table[value] = shared
            return shared
        }
    }
}

/// The statistical detectors' parameter sets, shared by all banks.
let parameterSets = InternTable<StatisticalParameters>()
/// The settings of detector banks, shared by the configurations that hold equal ones.
let bankSettings = InternTable<DetectorBankSettings>()
/// Alert policies, shared by the alert trackers that have equal ones.
let alertPolicies = InternTable<AlertPolicy>()
/// Flatline parameters, shared by the flatline detectors that have equal ones.
let flatlineParameters = InternTable<FlatlineDetector.Parameters>()
