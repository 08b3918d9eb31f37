public import ArgumentParser

/// The `skbpf` root command.
public struct SKBPF: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "skbpf",
        abstract: "Run eBPF packet filters against kernel-style socket buffers, in user space.",
        subcommands: [])

    public init() {}
}
