import Foundation
import PacketIO
import TestSupport
import Testing

/// Temporary files for the pcap tests, removed by the caller.
enum PcapTestFiles {
    static func temporaryPath(_ suffix: String = ".pcap") -> String {
        TestScratch.file("pcap", suffix: suffix).path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    static func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

    static func write<C: Collection<UInt8>>(_ bytes: C, to path: String) {
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    /// A record to write: bytes, time, original length.
    struct Record: Equatable {
        var bytes: [UInt8]
        var timestamp: PcapTimestamp
        var originalLength: Int
    }

    /// `count` records of varied sizes (0…1600 bytes, the first empty), a distinct byte pattern each.
    static func records(_ count: Int, seed: UInt64 = 1) -> [Record] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        return (0..<count).map { i in
            let length = i == 0 ? 0 : Int(next() % 1601)
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
            let extra = i % 3 == 0 ? Int(next() % 100) : 0
            return Record(
                bytes: bytes,
                timestamp: PcapTimestamp(
                    seconds: 1_700_000_000 + Int64(i), nanoseconds: UInt32(next() % 1_000_000_000)),
                originalLength: length + extra)
        }
    }

    /// Writes `records` to a new file at `path`.
    static func writeFile(
        _ path: String, _ records: [Record], linkType: LinkType = .ethernet, snapshotLength: Int = 262_144
    ) throws {
        var writer = try PcapWriter(path: path, linkType: linkType, snapshotLength: snapshotLength)
        for record in records {
            try record.bytes.withUnsafeBytes {
                try writer.write($0, timestamp: record.timestamp, originalLength: record.originalLength)
            }
        }
        try writer.close()
    }

    /// Every record of `path` through `read(into:)`, and the error that stopped it, if any.
    static func readAll(_ path: String) throws -> (records: [Record], error: PacketIOError?) {
        var reader = try PcapReader(path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 262_144, alignment: 16)
        defer { buffer.deallocate() }
        var records: [Record] = []
        do {
            while let header = try reader.read(into: buffer) {
                #expect(header.index == records.count)
                records.append(
                    Record(
                        bytes: Array(buffer[0..<header.capturedLength]), timestamp: header.timestamp,
                        originalLength: header.originalLength))
            }
        } catch {
            return (records, error)
        }
        return (records, nil)
    }
}
