import Foundation
import PacketIO
import TestSupport
import Testing

/// Files PcapWriter makes open in `tcpdump -r` with the packets, times and link types written.
@Suite(.enabled(if: Tcpdump.isInstalled, "tcpdump not installed (/usr/bin/tcpdump)"))
struct TcpdumpReadsOutputTests {
    @Test(arguments: [LinkType.ethernet, .raw, .ipv4, .linuxSLL, .linuxSLL2, .null, .loop])
    func tcpdumpPrintsEveryPacket(linkType: LinkType) throws {
        let path = PcapTestFiles.temporaryPath()
        defer { PcapTestFiles.remove(path) }
        let layer = LinkLayer(linkType)
        var writer = try PcapWriter(path: path, linkType: linkType, snapshotLength: 65_535)
        let times = [
            PcapTimestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789),
            PcapTimestamp(seconds: 1_700_000_001, nanoseconds: 1),
        ]
        for time in times {
            var frame = [UInt8](repeating: 0, count: 64)
            let n = try frame.withUnsafeMutableBytes { try layer.writeHeader(networkProtocol: .ipv4, to: $0) }
            frame = Array(frame[0..<n]) + Frames.ipv4
            try frame.withUnsafeBytes { try writer.write($0, timestamp: time) }
        }
        try writer.close()

        let output = try ExternalTool.capture(URL(fileURLWithPath: Tcpdump.path), ["-r", path, "-nn", "--nano", "-tt"])
        #expect(output.status == 0, "\(output.standardError)")
        let lines = output.standardOutput.split(separator: "\n")
        #expect(lines.count == 2, "\(output.standardOutput)")
        for (line, time) in zip(lines, times) {
            #expect(line.hasPrefix("\(time) "), "\(line)")
            #expect(line.contains("10.0.0.1.12345 > 10.0.0.2.53"), "\(line)")
        }
        #expect(output.standardError.contains("link-type \(linkType.name)"), "\(output.standardError)")
    }
}

enum Tcpdump {
    static let path = "/usr/bin/tcpdump"
    static let isInstalled = FileManager.default.isExecutableFile(atPath: path)
}
