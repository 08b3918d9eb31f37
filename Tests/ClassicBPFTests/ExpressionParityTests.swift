import ClassicBPF
import Foundation
import PacketBuffer
import PacketIO
import Testing
import TestSupport

/// libpcap's answers for the corpus (`../shared/corpus/expected.json`: for each capture and each
/// expression, the packets `pcap_offline_filter` matched, or libpcap's compile error), and
/// skbpf's: the expression compiled with the capture's own handle, translated, verified, and
/// run on each packet as read, `len` the length on the wire. Same indices, same errors.
@Suite(.enabled(if: ExpressionCorpus.expected != nil, "../shared/corpus/expected.json not found (set SKBPF_SHARED)"))
struct ExpressionParityTests {
    @Test(arguments: ExpressionCorpus.captures)
    func capture(_ name: String) throws {
        let entry = try #require(ExpressionCorpus.expected?.pcaps[name])
        let path = try #require(SharedFixtures.root).appendingPathComponent("corpus/\(entry.dir)/\(name)").path
        if let openError = entry.openError {
            #expect {
                _ = try PcapReader(path: path)
            } throws: { error in
                "\(error)".contains(openError)
            }
            return
        }
        var reader = try PcapReader(path: path)
        var packets: [(bytes: [UInt8], wireLength: Int)] = []
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { scratch.deallocate() }
        do {
            while let header = try reader.read(into: scratch) {
                packets.append((Array(scratch[0..<header.capturedLength]), header.originalLength))
            }
        } catch {
            #expect(entry.readError != nil, "\(name): \(error)")
        }
        #expect(packets.count == entry.packets, "\(name): packets read")
        let skb = SkBuff(capacity: (1 << 18) + 256, headroom: 128)
        for expression in ExpressionCorpus.expected!.filters {
            let compiled: FilterExpression
            do {
                compiled = try reader.compileFilter(expression)
            } catch {
                #expect(error.message == entry.compileErrors[expression], "\(name): '\(expression)'")
                continue
            }
            #expect(entry.compileErrors[expression] == nil, "\(name): '\(expression)' compiled; libpcap refused it")
            guard let expected = entry.results[expression] else { continue }
            #expect(compiled.program.instructions.count == expected.cbpfInsns, "\(name): '\(expression)' length")
            let translation = try ClassicTranslator.translate(compiled.program, options: .init(semantics: .libpcap))
            let interpreter = try #require(ClassicFixture.interpreters(translation).first)
            var matched: [Int] = []
            for (index, packet) in packets.enumerated() {
                skb.reset(headroom: 128)
                skb.put(packet.bytes.count).copyMemory(from: packet.bytes, byteCount: packet.bytes.count)
                let result = try interpreter.run(context: skb, wireLength: packet.wireLength)
                if UInt32(truncatingIfNeeded: result.returnValue) != 0 { matched.append(index) }
            }
            #expect(matched == expected.indices, "\(name): '\(expression)'")
        }
    }
}

/// expected.json, decoded.
enum ExpressionCorpus {
    struct File: Decodable {
        var filters: [String]
        var pcaps: [String: Capture]
    }

    struct Capture: Decodable {
        var dir: String
        var packets: Int?
        var readError: String?
        var openError: String?
        var results: [String: Result]
        var compileErrors: [String: String]

        enum CodingKeys: String, CodingKey {
            case dir, packets, results
            case readError = "read_error", openError = "open_error", compileErrors = "compile_errors"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            dir = try c.decode(String.self, forKey: .dir)
            packets = try c.decodeIfPresent(Int.self, forKey: .packets)
            readError = try c.decodeIfPresent(String.self, forKey: .readError)
            openError = try c.decodeIfPresent(String.self, forKey: .openError)
            results = try c.decodeIfPresent([String: Result].self, forKey: .results) ?? [:]
            compileErrors = try c.decodeIfPresent([String: String].self, forKey: .compileErrors) ?? [:]
        }
    }

    struct Result: Decodable {
        var matched: Int
        var cbpfInsns: Int
        var indices: [Int]

        enum CodingKeys: String, CodingKey {
            case matched, indices
            case cbpfInsns = "cbpf_insns"
        }
    }

    static let expected: File? = {
        guard let url = SharedFixtures.root?.appendingPathComponent("corpus/expected.json"),
              let data = try? Data(contentsOf: url)
        else { return nil }
        return try? JSONDecoder().decode(File.self, from: data)
    }()

    /// The captures, by name (none when the corpus is absent).
    static let captures: [String] = expected.map { $0.pcaps.keys.sorted() } ?? []
}
