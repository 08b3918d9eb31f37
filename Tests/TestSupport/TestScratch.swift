import Foundation

/// The test process's scratch folder, `/tmp/skbpf-tests-PID`: every temporary file and folder a
/// test makes goes in it, and it is removed when the process exits, so test runs leave nothing
/// behind in /tmp (a failing test's files stay until then, for a look while it runs).
public enum TestScratch {
    public static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("skbpf-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestScratch.root) }
        return url
    }()

    /// A fresh path in the scratch folder: `prefix-UUID` + `suffix`; nothing is created.
    public static func file(_ prefix: String, suffix: String = "") -> URL {
        root.appendingPathComponent("\(prefix)-\(UUID().uuidString)\(suffix)")
    }

    /// A fresh, empty folder in the scratch folder.
    public static func directory(_ prefix: String) throws -> URL {
        let url = file(prefix)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
