import Foundation
import Testing
import TestSupport

/// `skbpf attach` end to end on a rig of namespaces and TUN devices (Tests/Live/attach_e2e.sh):
/// ping, drop_icmp, DNAT with a TCP connection and tcpdump's checksum check, a fwmark route,
/// the UDP echo socket and a refusing socket filter, a SIGHUP swap, a soak, devices deleted
/// under the engine. Needs root, /dev/net/tun, ip, ping, iperf3, tcpdump; the script says why
/// when it cannot run, and the test is then skipped with that reason.
@Suite struct LiveAttachTests {
    @Test func attachEndToEnd() throws {
        let script = SharedFixtures.repositoryRoot.appendingPathComponent("Tests/Live/attach_e2e.sh")
        guard let skbpf = CommandRunner.executable else {
            print("LiveAttachTests: skipped: the skbpf executable is not built next to the tests")
            return
        }
        var environment = ProcessInfo.processInfo.environment
        environment["SKBPF"] = skbpf.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path]
        process.environment = environment
        process.currentDirectoryURL = SharedFixtures.repositoryRoot
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(text)
        if process.terminationStatus == 77 {
            print("LiveAttachTests: skipped: \(text.split(separator: "\n").last ?? "")")
            return
        }
        #expect(process.terminationStatus == 0, "attach_e2e.sh failed:\n\(text)")
    }
}
