import YAML

extension BoardReader {
    static let maxMaintenanceWindows = 64

    /// `maintenance:`, a sequence of weekly or one-off windows in local time.
    func readMaintenance(_ node: YAMLNode, path: String) -> [MaintenanceWindow] {
        guard case .sequence(let seq) = node else {
            self.sink.error(node.mark, path, "expected a sequence of windows, found \(node.kindDescription)")
            return []
        }
        if seq.items.count > Self.maxMaintenanceWindows {
            self.sink.error(seq.mark, path, "\(seq.items.count) windows exceed the limit of \(Self.maxMaintenanceWindows)")
        }
        var windows: [MaintenanceWindow] = []
        for (index, item) in seq.items.prefix(Self.maxMaintenanceWindows).enumerated() {
            guard let m = MappingReader(item, path: "\(path)[\(index)]", sink: self.sink) else { continue }
            m.finish(known: Self.maintenanceKeys)
            guard let (fromText, fromMark) = m.string("from", required: true),
                  let (toText, toMark) = m.string("to", required: true)
            else { continue }
            if fromText.contains("-") || toText.contains("-") {
                if m.node("days") != nil {
                    self.sink.error(m.mapping.mark, m.child("days"), "days go with daily times (HH:MM), not with dates")
                }
                let from = Self.parseLocalDateTime(fromText)
                let to = Self.parseLocalDateTime(toText)
                if from == nil { self.sink.error(fromMark, m.child("from"), "expected \"YYYY-MM-DD HH:MM\" or \"HH:MM\", found \"\(fromText)\"") }
                if to == nil { self.sink.error(toMark, m.child("to"), "expected \"YYYY-MM-DD HH:MM\", found \"\(toText)\"") }
                guard let from, let to else { continue }
                if to <= from {
                    self.sink.error(toMark, m.child("to"), "the window ends before it starts")
                    continue
                }
                windows.append(.once(from: from, to: to))
            } else {
                let from = Self.parseClock(fromText, allow24: false)
                let to = Self.parseClock(toText, allow24: true)
                if from == nil { self.sink.error(fromMark, m.child("from"), "expected HH:MM (00:00 to 23:59), found \"\(fromText)\"") }
                if to == nil { self.sink.error(toMark, m.child("to"), "expected HH:MM (00:00 to 24:00), found \"\(toText)\"") }
                var days = Set(0...6)
                if let daySeq = m.sequence("days") {
                    days = []
                    for dayNode in daySeq.items {
                        guard case .scalar(let s) = dayNode, let d = MaintenanceWindow.dayNames.firstIndex(of: s.value.lowercased())
                        else {
                            self.sink.error(dayNode.mark, m.child("days"),
                                            "expected a day (\(MaintenanceWindow.dayNames.joined(separator: ", ")))")
                            continue
                        }
                        days.insert(d)
                    }
                }
                guard let from, let to else { continue }
                if from == to {
                    self.sink.error(toMark, m.child("to"), "the window is empty (from = to)")
                    continue
                }
                windows.append(.weekly(days: days, from: from, to: to))
            }
        }
        return windows
    }

    /// `HH:MM` as minutes since midnight.
    static func parseClock(_ text: String, allow24: Bool) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...59).contains(m)
        else { return nil }
        if h == 24 && m == 0 && allow24 { return 1440 }
        guard (0...23).contains(h) else { return nil }
        return h * 60 + m
    }

    /// `YYYY-MM-DD HH:MM` (or with a `T`) as local minutes since 1970-01-01 00:00.
    static func parseLocalDateTime(_ text: String) -> Int64? {
        let normalized = String(text.map { $0 == "T" ? " " : $0 })
        let halves = normalized.split(separator: " ")
        guard halves.count == 2 else { return nil }
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard date.count == 3, date[0].count == 4, date[1].count == 2, date[2].count == 2,
              let y = Int(date[0]), let mo = Int(date[1]), let d = Int(date[2]), (1...12).contains(mo),
              (1...31).contains(d), let minutes = parseClock(String(halves[1]), allow24: false)
        else { return nil }
        return Int64(LocalTime.daysFromCivil(y, mo, d)) * 1440 + Int64(minutes)
    }

    /// `link:` settings of a device.
    func readLink(_ node: YAMLNode, path: String) -> LinkWatchSettings {
        var settings = LinkWatchSettings()
        guard let m = MappingReader(node, path: path, sink: self.sink) else { return settings }
        m.finish(known: Self.linkKeys)
        settings.enabled = m.boolean("enabled") ?? settings.enabled
        settings.window = m.duration("window", in: .milliseconds(500)...(.seconds(3600))) ?? settings.window
        settings.learn = m.integer("learn", in: 2...10_000) ?? settings.learn
        return settings
    }
}
