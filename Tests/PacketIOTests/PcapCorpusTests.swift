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
        let files = try FileManager.default.contentsOfDirectory(atPath: PcapCorpus.folder!.appendingPathComponent("pcap").path)
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

    /// File names, sorted; empty when the corpus is absent (the suite is then skipped).
    static let names: [String] = expected.map { $0.keys.sorted() } ?? []
}
