import Foundation

/// Runs external programs (clang, llvm-objdump, the built skbpf) for tests.
public enum ExternalTool {
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Runs `tool` and captures its exit status and output.
    public static func capture(_ tool: URL, _ arguments: [String], in directory: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting: a full pipe would block the child forever.
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      standardOutput: String(decoding: stdout, as: UTF8.self),
                      standardError: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs `tool` and returns its standard output; a non-zero exit is a ``Failure`` carrying stderr.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
        let output = try capture(URL(fileURLWithPath: tool), arguments, in: directory)
        guard output.status == 0 else {
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")): exit \(output.status): \(output.standardError)")
        }
        return output.standardOutput
    }
}

/// A small deterministic generator (SplitMix64), so randomized tests reproduce.
public struct SplitMix64 {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    public mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
