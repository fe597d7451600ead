import Registers

/// Modicon (1-based, table-prefixed) register numbers, as many device manuals print them.
///
/// | written | table | 0-based address |
/// |---|---|---|
/// | 1 to 9999 | coil | n − 1 |
/// | 10001 to 19999, 100001 to 165536 | discrete | n − 10001, n − 100001 |
/// | 30001 to 39999, 300001 to 365536 | input | n − 30001, n − 300001 |
/// | 40001 to 49999, 400001 to 465536 | holding | n − 40001, n − 400001 |
///
/// 6-digit coils (000001 to 065536) cannot be told from 5-digit numbers once written as integers: coils past 9999
/// take `table: coil` and `address:`.
public enum ModiconAddress {
    public static func resolve(_ number: Int) -> (table: RegisterTable, address: Int)? {
        switch number {
        case 1...9999: (.coil, number - 1)
        case 10001...19999: (.discrete, number - 10001)
        case 30001...39999: (.input, number - 30001)
        case 40001...49999: (.holding, number - 40001)
        case 100_001...165_536: (.discrete, number - 100_001)
        case 300_001...365_536: (.input, number - 300_001)
        case 400_001...465_536: (.holding, number - 400_001)
        default: nil
        }
    }
}
