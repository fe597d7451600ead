@testable import BoardFile
import Testing

/// Maintenance windows in local civil time: weekly (also across midnight) and one-off.
struct MaintenanceWindowTests {
    // 2026-11-28 is a Saturday (weekday 6).
    func at(_ day: Int, _ weekday: Int, _ h: Int, _ m: Int) -> LocalTime {
        LocalTime(year: 2026, month: 11, day: day, weekday: weekday, hour: h, minute: m)
    }

    @Test func weeklyWindowAcrossMidnight() {
        let w = MaintenanceWindow.weekly(days: [6], from: 22 * 60, to: 6 * 60)  // Saturday 22:00 to Sunday 06:00
        #expect(!w.contains(self.at(28, 6, 21, 59)))
        #expect(w.contains(self.at(28, 6, 22, 0)))
        #expect(w.contains(self.at(29, 0, 5, 59)))
        #expect(!w.contains(self.at(29, 0, 6, 0)))
        #expect(!w.contains(self.at(27, 5, 23, 0)))  // Friday night
        #expect(!w.contains(self.at(28, 6, 3, 0)))   // Saturday morning belongs to Friday's window
        #expect(w.description == "sat 22:00-06:00")
    }

    @Test func dailyAndOnceWindows() {
        let daily = MaintenanceWindow.weekly(days: Set(0...6), from: 0, to: 1440)
        #expect(daily.contains(self.at(28, 6, 23, 59)) && daily.contains(self.at(28, 6, 0, 0)))
        let from = BoardReader.parseLocalDateTime("2026-12-01 08:00")!
        let to = BoardReader.parseLocalDateTime("2026-12-01T12:30")!
        let once = MaintenanceWindow.once(from: from, to: to)
        #expect(once.contains(LocalTime(year: 2026, month: 12, day: 1, weekday: 2, hour: 8, minute: 0)))
        #expect(!once.contains(LocalTime(year: 2026, month: 12, day: 1, weekday: 2, hour: 12, minute: 30)))
        #expect(!once.contains(LocalTime(year: 2026, month: 11, day: 30, weekday: 1, hour: 9, minute: 0)))
        #expect(once.description == "2026-12-01 08:00 to 2026-12-01 12:30")
        #expect(BoardReader.parseLocalDateTime("2026-13-01 08:00") == nil)
        #expect(BoardReader.parseClock("24:00", allow24: true) == 1440)
        #expect(BoardReader.parseClock("24:00", allow24: false) == nil)
        #expect(BoardReader.parseClock("7:00", allow24: false) == nil)
    }

    @Test func boardKeysCompile() throws {
        let board = try BoardLoader.parse(Array("""
            gateway: g
            mqtt: {url: "mqtt://127.0.0.1"}
            maintenance:
              - {days: [sat, sun], from: "22:00", to: "06:00"}
            devices:
              - id: plc
                tcp: 127.0.0.1:502
                identity: true
                identity_interval: 5m
                link: {window: 5s, learn: 20}
                channels:
                  - {id: sp, table: holding, address: 0, role: safety}
                  - {id: v, table: holding, address: 1}
              - id: other
                tcp: 127.0.0.1:503
                maintenance: [{from: "2026-12-01 08:00", to: "2026-12-01 12:00"}]
                link: {enabled: false}
                channels:
                  - {id: v, table: holding, address: 1}
            """.utf8), file: "b.yaml")
        let plc = board.devices[0]
        #expect(plc.identity && plc.identityInterval == .seconds(300))
        #expect(plc.link.window == .seconds(5) && plc.link.learn == 20 && plc.link.enabled)
        #expect(plc.maintenance == [.weekly(days: [0, 6], from: 1320, to: 360)])
        #expect(plc.channels[0].role == .safety && plc.channels[0].detectors.isEmpty)
        #expect(plc.channels[1].role == nil && !plc.channels[1].detectors.isEmpty)
        #expect(board.devices[1].maintenance.count == 1 && !board.devices[1].link.enabled)
        #expect(!board.devices[1].identity)
    }
}
