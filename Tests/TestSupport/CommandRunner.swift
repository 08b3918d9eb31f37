import Foundation

/// Runs the built `skbpf` executable and captures what it prints, as a user's script would.
public enum CommandRunner {
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// The `skbpf` built next to the test bundle (same build folder), if present.
    public static let executable: URL? = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("skbpf"),
            Bundle.main.bundleURL.appendingPathComponent("skbpf"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("skbpf"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    public static func run(_ arguments: [String], standardInput: Data? = nil) throws -> Output {
        guard let executable else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = SharedFixtures.repositoryRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      standardOutput: String(decoding: stdout, as: UTF8.self),
                      standardError: String(decoding: stderr, as: UTF8.self))
    }

    /// A fresh temporary file holding `bytes`.
    public static func temporaryFile(_ bytes: [UInt8], suffix: String = "") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("skbpf-test-\(UUID().uuidString)\(suffix)")
        try Data(bytes).write(to: url)
        return url
    }
}
