public import ArgumentParser
import Foundation

/// The `skbpf` root command.
public struct SKBPF: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "skbpf",
        abstract: "Run eBPF packet filters against kernel-style socket buffers, in user space.",
        subcommands: [AsmCommand.self, DisasmCommand.self, VerifyCommand.self, RunCommand.self, TestRunCommand.self, ConformanceCommand.self,
                      ReplayCommand.self, AttachCommand.self, CompileCommand.self])

    public init() {}

    /// Parses the command line, runs the command and exits with the documented codes:
    /// 0 ok, 1 the program or test failed or was rejected, 2 bad usage or unreadable input.
    public static func runAsMain(arguments: [String]? = nil) -> Never {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            if exitCode(for: error) == .success {  // --help, --version
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(CommandFailure.Kind.usage.rawValue)
        }
        do {
            var mutable = command
            try mutable.run()
            Foundation.exit(0)
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("skbpf: error: \(failure.message)\n".utf8))
            Foundation.exit(failure.kind.rawValue)
        } catch let exitCode as ExitCode {
            Foundation.exit(exitCode.rawValue)
        } catch {
            // ArgumentParser's own errors (help requested by `skbpf` alone, validation) keep its wording.
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data("skbpf: error: \(fullMessage(for: error))\n".utf8))
            Foundation.exit(CommandFailure.Kind.usage.rawValue)
        }
    }
}
