import Foundation

/// Runs the built `skbpf` executable and captures what it prints, as a user's script would.
public enum CommandRunner {
    public typealias Output = ExternalTool.Output

    /// The `skbpf` built next to the test bundle (same build folder), if present.
    public static let executable: URL? = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("skbpf"),
            Bundle.main.bundleURL.appendingPathComponent("skbpf"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("skbpf"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `skbpf arguments` in `directory` (default: the repository root, so relative paths
    /// such as `Programs/...` resolve).
    public static func run(_ arguments: [String], in directory: URL = SharedFixtures.repositoryRoot) throws -> Output {
        guard let executable else { throw CocoaError(.fileNoSuchFile) }
        return try ExternalTool.capture(executable, arguments, in: directory)
    }

    /// A fresh temporary file holding `bytes`.
    public static func temporaryFile(_ bytes: [UInt8], suffix: String = "") throws -> URL {
        let url = TestScratch.file("test", suffix: suffix)
        try Data(bytes).write(to: url)
        return url
    }
}
