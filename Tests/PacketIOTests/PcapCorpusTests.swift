import Foundation
import PacketIO
import TestSupport
import Testing

/// Every capture of `../shared/corpus/pcap` against `../shared/corpus/expected.json` (what
/// libpcap 1.10.3 reads from each): link type, snapshot length, packet count, read and open
/// errors. Skipped, with the reason printed, when `../shared` is absent.
@Suite(.enabled(if: PcapCorpus.expected != nil, "../shared/corpus/expected.json not found"))
struct PcapCorpusTests {
    @Test(arguments: PcapCorpus.names)
    func readsWhatLibpcapReads(name: String) throws {
        let expected = try #require(PcapCorpus.expected?[name])
        let path = PcapCorpus.folder!.appendingPathComponent(expected.directory).appendingPathComponent(name).path
        if let openError = expected.openError {
            let error = try #require(throws: PacketIOError.self) { _ = try PcapReader(path: path) }
            #expect(error.reason == .cannotOpen(message: openError))
            #expect(error.description == "\(path): cannot open: \(openError)")
            return
        }
        var reader = try PcapReader(path: path)
        let (linkType, snapshotLength) = (reader.linkType, reader.snapshotLength)
        #expect(linkType.rawValue == expected.linkType)
        #expect(linkType.name == expected.linkTypeName || expected.linkTypeName == "unknown")
        #expect(snapshotLength == expected.snapshotLength)

        let (count, failure) = Self.countPackets(&reader)
        #expect(count == expected.packets)
        if let readError = expected.readError {
            let error = try #require(failure)
            #expect(error.reason == .damagedCapture(message: readError))
            #expect(error.packetIndex == expected.packets)
        } else {
            #expect(failure == nil)
        }
    }

    /// The cut copy delivers exactly the whole file's first 468 packets, byte for byte, then
    /// libpcap's error at index 468.
    @Test func theCutCaptureDeliversEveryPacketBeforeTheCut() throws {
        let folder = PcapCorpus.folder!.appendingPathComponent("pcap")
        let whole = try PcapTestFiles.readAll(folder.appendingPathComponent("netns1-veth.pcap").path)
        let cut = try PcapTestFiles.readAll(folder.appendingPathComponent("netns1-veth-cut.pcap").path)
        #expect(whole.error == nil && whole.records.count == 793)
        #expect(cut.records.count == 468)
        #expect(cut.records == Array(whole.records.prefix(468)))
        #expect(cut.error?.packetIndex == 468)
        #expect(cut.error?.description.hasSuffix(
            "netns1-veth-cut.pcap: packet 468: truncated dump file; tried to read 1514 captured bytes, only got 1235")
            == true)
    }

    /// Every packet of every supported link type parses, or is reported with a reason; where the
    /// link layer says IPv4 or IPv6, the byte at the network offset carries that version.
    @Test(arguments: PcapCorpus.names.filter { PcapCorpus.expected?[$0]?.openError == nil })
    func linkLayerFindsTheNetworkHeader(name: String) throws {
        let expected = try #require(PcapCorpus.expected?[name])
        var reader = try PcapReader(
            path: PcapCorpus.folder!.appendingPathComponent(expected.directory).appendingPathComponent(name).path)
        let layer = LinkLayer(reader.linkType)
        guard layer.isSupported else { return }
        var outcomes: [String: Int] = [:]
        while let packet = try? reader.nextPacket() {
            do throws(LinkLayerError) {
                let header = try layer.parse(packet.bytes)
                guard header.networkProtocol == .ipv4 || header.networkProtocol == .ipv6,
                    header.networkOffset < packet.bytes.count
                else {
                    outcomes["other", default: 0] += 1
                    continue
                }
                let version = packet.bytes[header.networkOffset] >> 4
                let matches = version == (header.networkProtocol == .ipv4 ? 4 : 6)
                outcomes[matches ? "ip" : "wrong IP version \(version) for \(header.networkProtocol)", default: 0] += 1
            } catch {
                outcomes["\(error)", default: 0] += 1
            }
        }
        let problems = outcomes.filter { $0.key != "ip" && $0.key != "other" }
        let knownBad = PcapCorpus.linkLayerProblems[name] ?? [:]
        #expect(problems == knownBad, "\(name): \(outcomes)")
    }

    /// Packets read before the end or the error, checking each one's index and view.
    static func countPackets(_ reader: inout PcapReader) -> (Int, PacketIOError?) {
        var count = 0
        do throws(PacketIOError) {
            while let packet = try reader.nextPacket() {
                #expect(packet.header.index == count)
                #expect(packet.bytes.count == packet.header.capturedLength)
                count += 1
            }
        } catch {
            return (count, error)
        }
        return (count, nil)
    }

    @Test func coversTheCorpusFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: PcapCorpus.folder!.appendingPathComponent("pcap").path
        )
        .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
        #expect(Set(files).isSubset(of: Set(PcapCorpus.names)))
        #expect(PcapCorpus.names.count >= 145)
    }
}

/// expected.json's per-file facts.
enum PcapCorpus {
    struct Entry {
        var directory: String
        var linkType: Int32?
        var linkTypeName: String?
        var snapshotLength: Int?
        var packets: Int?
        var readError: String?
        var openError: String?
    }

    static let folder: URL? = SharedFixtures.root.map { $0.appendingPathComponent("corpus") }

    static let expected: [String: Entry]? = {
        guard let folder,
            let data = FileManager.default.contents(atPath: folder.appendingPathComponent("expected.json").path),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let pcaps = json["pcaps"] as? [String: [String: Any]]
        else { return nil }
        return pcaps.mapValues { entry in
            Entry(
                directory: entry["dir"] as? String ?? "pcap",
                linkType: (entry["linktype"] as? NSNumber).map { Int32($0.intValue) },
                linkTypeName: entry["linktype_name"] as? String,
                snapshotLength: (entry["snaplen"] as? NSNumber)?.intValue,
                packets: (entry["packets"] as? NSNumber)?.intValue,
                readError: entry["read_error"] as? String,
                openError: entry["open_error"] as? String)
        }
    }()

    /// Files whose packets are malformed on purpose (tcpdump's fuzzing cases), and what the link
    /// layer says about them.
    static let linkLayerProblems: [String: [String: Int]] = [
        "LINKTYPE_IPV4_invalid.pcap": ["wrong IP version 6 for 0x0800": 1],
        "bad-ipv4-version-pgm-heapoverflow.pcap": ["wrong IP version 6 for 0x0800": 1],
        "beep-oobr.pcap": ["wrong IP version 3 for 0x86dd": 1],
        "heap-overflow-1.pcap": ["IP version 3 is neither 4 nor 6": 1],
        "hoobr_rt6_print.pcap": ["wrong IP version 3 for 0x86dd": 2],
        "ipv6-bad-version.pcap": ["wrong IP version 0 for 0x86dd": 2],
    ]

    /// File names, sorted; empty when the corpus is absent (the suite is then skipped).
    static let names: [String] = expected.map { $0.keys.sorted() } ?? []
}
