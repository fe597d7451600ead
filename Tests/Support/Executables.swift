import Foundation

/// Paths of the programs the tests drive.
public enum Executables {
    /// The `otsentry` binary built next to the test bundle (`swift build` builds it; the test command runs that
    /// first), or `$OTSENTRY_BIN`.
    public static var otsentry: String {
        if let path = ProcessInfo.processInfo.environment["OTSENTRY_BIN"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("otsentry").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return bundle.appendingPathComponent("otsentry").path
    }

    public static var mosquitto: String {
        for path in ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return "mosquitto"
    }

    /// The repository root (for Boards/ and scripts), found from this source file's location.
    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}
