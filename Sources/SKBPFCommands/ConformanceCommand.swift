import ArgumentParser
import Foundation

/// `skbpf conformance PATH…`: run conformance vector files (`.data`) and report failures.
struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run eBPF conformance vectors (.data files, or folders of them).",
        discussion: """
            Prints each failure (and each vector skipped, with the reason), then a last line \
            'N passed, M failed' (', K skipped' when some were). Exit 1 if any failed. \
            With --verified, each program is first verified as bpf_conformance's Linux plugin \
            loads it (an xdp program): refused ones print REJECT with the verifier's message and \
            count as rejected, accepted ones run unchecked.
            """)

    @Argument(help: "Vector files or folders (searched recursively for *.data).")
    var paths: [String]

    @Flag(name: .shortAndLong, help: "Also print each vector that passed.")
    var verbose = false

    @Flag(help: "Verify each program first, as an xdp program (the Linux plugin's load).")
    var verified = false

    func run() throws {
        let files = try paths.flatMap { path throws(CommandFailure) in try Self.vectorFiles(at: path) }
        guard !files.isEmpty else { throw CommandFailure.usage("no .data vector files under \(paths.joined(separator: ", "))") }
        let runner = ConformanceRunner(loading: verified ? .verified(.xdp) : .raw)
        var passed = 0, failed = 0, skipped = 0, rejected = 0
        for file in files {
            let outcome: ConformanceRunner.Outcome
            do {
                outcome = runner.run(try ConformanceVector.load(path: file))
            } catch {
                outcome = .failed("\(error)")
            }
            switch outcome {
            case .passed:
                passed += 1
                if verbose { print("PASS \(file)") }
            case .failed(let why):
                failed += 1
                print("FAIL \(file): \(why)")
            case .skipped(let why):
                skipped += 1
                print("SKIP \(file): \(why)")
            case .rejected(let why):
                rejected += 1
                print("REJECT \(file): \(why)")
            }
        }
        print("\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : "")
              + (verified ? ", \(rejected) rejected" : ""))
        if failed > 0 { throw ExitCode(CommandFailure.Kind.rejected.rawValue) }
    }

    static func vectorFiles(at path: String) throws(CommandFailure) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .usage("\(path): no such file or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else { throw .usage("\(path): cannot be read") }
        var files: [String] = []
        for case let relative as String in walker where relative.hasSuffix(".data") {
            files.append((path as NSString).appendingPathComponent(relative))
        }
        return files.sorted()
    }
}
