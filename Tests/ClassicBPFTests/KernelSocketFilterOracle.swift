import ClassicBPF
import Foundation
import Glibc
import TestSupport

/// The kernel's answer for classic socket filters (Fixtures/socket_filter_oracle.py): each
/// program attached with SO_ATTACH_FILTER to a packet socket on lo, in a fresh network namespace,
/// and the frame sent there. Root only.
enum KernelSocketFilterOracle {
    struct Case: Encodable {
        var program: [[UInt32]]
        var frame: String
        var mark: UInt32

        init(_ program: [ClassicInstruction], frame: [UInt8], mark: UInt32 = 0) {
            self.program = program.map { [UInt32($0.code), UInt32($0.jt), UInt32($0.jf), $0.k] }
            self.frame = frame.map { String(format: "%02x", $0) }.joined()
            self.mark = mark
        }
    }

    /// The kernel's verdict for one case.
    enum Answer: Equatable, CustomStringConvertible {
        /// SO_ATTACH_FILTER refused the program (its checker said EINVAL).
        case refused
        /// Attached; the socket received this many bytes, or nothing.
        case delivered(Int?)

        var description: String {
            switch self {
            case .refused: "refused"
            case .delivered(let n?): "delivered \(n) bytes"
            case .delivered(nil): "dropped"
            }
        }
    }

    static let script = SharedFixtures.repositoryRoot.appendingPathComponent("Tests/ClassicBPFTests/Fixtures/socket_filter_oracle.py")

    /// Why the oracle cannot run here, or nil when it can.
    static let unavailableReason: String? = {
        if geteuid() != 0 { return "needs root (SO_ATTACH_FILTER in a fresh network namespace)" }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") { return "needs /usr/bin/python3" }
        if !FileManager.default.fileExists(atPath: "/usr/sbin/ip") && !FileManager.default.fileExists(atPath: "/sbin/ip")
            && !FileManager.default.fileExists(atPath: "/usr/bin/ip") { return "needs ip (iproute2)" }
        return nil
    }()

    static func answers(_ cases: [Case]) throws -> [Answer] {
        let input = TestScratch.file("cbpf-oracle", suffix: ".json")
        try JSONEncoder().encode(cases).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let output = try ExternalTool.run("/usr/bin/python3", [script.path, input.path])
        guard let entries = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]], entries.count == cases.count
        else { throw ExternalTool.Failure(description: "socket_filter_oracle.py: unexpected output: \(output.prefix(300))") }
        return entries.map { entry in
            guard entry["attached"] as? Bool == true else { return .refused }
            return .delivered(entry["delivered"] as? Int)
        }
    }
}
