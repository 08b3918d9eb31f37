import Foundation
import PacketBuffer
import PacketIO
import Testing

@Suite struct PcapReaderWriterTests {
    @Test(arguments: [LinkType.ethernet, .raw, .ipv4, .ipv6, .linuxSLL, .linuxSLL2, .null, .loop, .other(9)])
    func writtenPacketsReadBackUnchanged(linkType: LinkType) throws {
        let path = PcapTestFiles.temporaryPath()
        defer { PcapTestFiles.remove(path) }
        let records = PcapTestFiles.records(200)
        try PcapTestFiles.writeFile(path, records, linkType: linkType, snapshotLength: 2000)

        let reader = try PcapReader(path: path)
        let (readLinkType, snapshotLength, isByteSwapped) = (
            reader.linkType, reader.snapshotLength, reader.isByteSwapped
        )
        #expect(readLinkType == linkType)
        #expect(snapshotLength == 2000)
        #expect(!isByteSwapped)
        let (read, error) = try PcapTestFiles.readAll(path)
        #expect(error == nil)
        #expect(read == records)
    }

    @Test func fileHeaderIsNanosecondPcapWithLinktypeRaw() throws {
        let path = PcapTestFiles.temporaryPath()
        defer { PcapTestFiles.remove(path) }
        try PcapTestFiles.writeFile(path, [], linkType: .raw, snapshotLength: 1234)
        let bytes = PcapTestFiles.bytes(path)
        #expect(bytes.count == 24)
        func le32(_ offset: Int) -> UInt32 { bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        #expect(le32(0) == 0xa1b2_3c4d)  // nanosecond magic
        #expect(le32(16) == 1234)
        #expect(le32(20) == 101)  // LINKTYPE_RAW in the file, DLT_RAW (12) in memory
        let linkType = try PcapReader(path: path).linkType
        #expect(linkType == .raw)
    }

    @Test func longPacketsAreCutToTheSnapshotLengthKeepingTheOriginalLength() throws {
        let path = PcapTestFiles.temporaryPath()
        defer { PcapTestFiles.remove(path) }
        let record = PcapTestFiles.Record(
            bytes: Array(repeating: 0xAB, count: 300), timestamp: PcapTimestamp(seconds: 5, nanoseconds: 999_999_999),
            originalLength: 310)
        try PcapTestFiles.writeFile(path, [record], snapshotLength: 96)
        let (read, error) = try PcapTestFiles.readAll(path)
        #expect(error == nil)
        #expect(
            read == [
                PcapTestFiles.Record(
                    bytes: Array(repeating: 0xAB, count: 96), timestamp: record.timestamp, originalLength: 310)
            ])
    }

    @Test func readIntoSkBuffSetsBytesHeadroomAndTimestamp() throws {
        let path = PcapTestFiles.temporaryPath()
        defer { PcapTestFiles.remove(path) }
        let records = PcapTestFiles.records(20)
        try PcapTestFiles.writeFile(path, records)
        var reader = try PcapReader(path: path)
        let skb = SkBuff(capacity: 1000, headroom: 0)
        for record in records {
            let header = try #require(try reader.read(into: skb, headroom: 64))
            #expect(skb.headroom == 64)
            #expect(skb.byteArray == record.bytes)  // some are longer than the buffer: it grew
            #expect(skb.timestamp == record.timestamp.nanosecondsSinceEpoch)
            #expect(header.originalLength == record.originalLength)
        }
        #expect(try reader.read(into: skb, headroom: 64) == nil)
        #expect(try reader.read(into: skb, headroom: 64) == nil)  // stays at the end
        let packetCount = reader.packetCount
        #expect(packetCount == 20)
    }

    @Test func nextPacketViewsCopiedThroughAWriterGiveTheSameFile() throws {
        let source = PcapTestFiles.temporaryPath()
        let copy = PcapTestFiles.temporaryPath()
        defer {
            PcapTestFiles.remove(source)
            PcapTestFiles.remove(copy)
        }
        try PcapTestFiles.writeFile(source, PcapTestFiles.records(100), linkType: .linuxSLL2)
        var reader = try PcapReader(path: source)
        var writer = try PcapWriter(path: copy, linkType: reader.linkType, snapshotLength: reader.snapshotLength)
        while let packet = try reader.nextPacket() { try writer.write(packet) }
        try writer.close()
        #expect(PcapTestFiles.bytes(copy) == PcapTestFiles.bytes(source))
    }

    @Test func aPacketLargerThanTheBufferStaysPending() throws {
        let path = PcapTestFiles.temporaryPath()
        defer { PcapTestFiles.remove(path) }
        let records = Array(PcapTestFiles.records(4).dropFirst())
        try PcapTestFiles.writeFile(path, records)
        var reader = try PcapReader(path: path)
        let small = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
        let large = UnsafeMutableRawBufferPointer.allocate(byteCount: 2000, alignment: 1)
        defer {
            small.deallocate()
            large.deallocate()
        }
        let error = try #require(throws: PacketIOError.self) { try reader.read(into: small) }
        #expect(error.packetIndex == 0)
        #expect(error.reason == .bufferTooSmall(capturedLength: records[0].bytes.count, bufferByteCount: 1))
        for (i, record) in records.enumerated() {
            let header = try #require(try reader.read(into: large))
            #expect(header.index == i)
            #expect(Array(large[0..<header.capturedLength]) == record.bytes)
        }
        #expect(try reader.read(into: large) == nil)
    }

    /// Cutting a file inside record N gives records 0..<N, then libpcap's error at index N;
    /// cutting at a record boundary is a clean end.
    @Test func truncatedFilesDeliverEveryWholeRecordThenFailAtTheCut() throws {
        let path = PcapTestFiles.temporaryPath()
        let cut = PcapTestFiles.temporaryPath()
        defer {
            PcapTestFiles.remove(path)
            PcapTestFiles.remove(cut)
        }
        let records = Array(PcapTestFiles.records(6).dropFirst())
        try PcapTestFiles.writeFile(path, records)
        let whole = PcapTestFiles.bytes(path)
        var boundaries = [24]
        for record in records { boundaries.append(boundaries.last! + 16 + record.bytes.count) }
        #expect(boundaries.last == whole.count)

        for length in [
            24, 30, 39, 40, 41, boundaries[2] + 8, boundaries[3], boundaries[3] + 16, boundaries[3] + 17,
            whole.count - 1,
        ] {
            PcapTestFiles.write(whole[0..<length], to: cut)
            let complete = boundaries.lastIndex { $0 <= length }!
            let (read, error) = try PcapTestFiles.readAll(cut)
            #expect(read == Array(records[0..<complete]), "cut at \(length)")
            if boundaries.contains(length) {
                #expect(error == nil, "cut at \(length)")
                continue
            }
            let failure = try #require(error, "cut at \(length)")
            #expect(failure.packetIndex == complete)
            #expect(failure.path == cut)
            guard case .damagedCapture(let message) = failure.reason else {
                Issue.record("cut at \(length): \(failure)")
                continue
            }
            #expect(message.hasPrefix("truncated dump file"), "\(message)")
            #expect(failure.description == "\(cut): packet \(complete): \(message)")
        }
    }

    @Test func readingAfterADamagedRecordThrowsTheSameErrorAgain() throws {
        let path = PcapTestFiles.temporaryPath()
        defer { PcapTestFiles.remove(path) }
        try PcapTestFiles.writeFile(path, Array(PcapTestFiles.records(3).dropFirst()))
        PcapTestFiles.write(PcapTestFiles.bytes(path).dropLast(), to: path)
        var reader = try PcapReader(path: path)
        #expect(try reader.nextPacket() != nil)
        let first = try #require(throws: PacketIOError.self) { try reader.nextPacket() }
        let again = try #require(throws: PacketIOError.self) { try reader.nextPacket() }
        #expect(first == again)
        #expect(first.packetIndex == 1)
        let packetCount = reader.packetCount
        #expect(packetCount == 1)
    }

    @Test func filesLibpcapRefusesGiveItsReason() throws {
        let path = PcapTestFiles.temporaryPath()
        defer { PcapTestFiles.remove(path) }
        let cases: [([UInt8], String)] = [
            ([], "truncated dump file; tried to read 4 file header bytes, only got 0"),
            (Array("not a capture file at all".utf8), "unknown file format"),
            ([0xd4, 0xc3, 0xb2, 0xa1, 2, 0], "truncated dump file; tried to read 24 file header bytes, only got 2"),
        ]
        for (bytes, message) in cases {
            PcapTestFiles.write(bytes, to: path)
            let error = try #require(throws: PacketIOError.self) { _ = try PcapReader(path: path) }
            #expect(error.reason == .cannotOpen(message: message))
            #expect(error.packetIndex == nil)
        }
        let missing = try #require(throws: PacketIOError.self) { _ = try PcapReader(path: "/nonexistent/x.pcap") }
        #expect(missing.description == "/nonexistent/x.pcap: cannot open: No such file or directory (errno 2)")
        let directory = try #require(throws: PacketIOError.self) { _ = try PcapReader(path: "/") }
        #expect(directory.path == "/")
    }

    @Test func writerErrorsNameThePath() throws {
        let bad = try #require(throws: PacketIOError.self) {
            _ = try PcapWriter(path: "/nonexistent/dir/out.pcap", linkType: .ethernet)
        }
        #expect(bad.description == "/nonexistent/dir/out.pcap: cannot open: No such file or directory (errno 2)")

        let path = PcapTestFiles.temporaryPath()
        defer { PcapTestFiles.remove(path) }
        for snaplen in [0, -1, 262_145] {
            let error = try #require(throws: PacketIOError.self) {
                _ = try PcapWriter(path: path, linkType: .ethernet, snapshotLength: snaplen)
            }
            #expect(error.reason == .invalidSnapshotLength(snaplen))
        }
        let unknown = try #require(throws: PacketIOError.self) { _ = try PcapWriter(path: path, linkType: .other(-5)) }
        #expect(unknown.description.contains("isn't supported in savefiles"), "\(unknown)")

        var writer = try PcapWriter(path: path, linkType: .ethernet)
        let lengthError = try #require(throws: PacketIOError.self) {
            try ([1, 2, 3] as [UInt8]).withUnsafeBytes {
                try writer.write($0, timestamp: PcapTimestamp(seconds: 0, nanoseconds: 0), originalLength: 2)
            }
        }
        #expect(lengthError.reason == .capturedLongerThanOriginal(capturedLength: 3, originalLength: 2))
        #expect(lengthError.packetIndex == 0)
    }

    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: "/dev/full"), "/dev/full not available"))
    func aFullDiskIsReportedWithErrno() throws {
        var writer = try PcapWriter(path: "/dev/full", linkType: .ethernet)
        let payload = [UInt8](repeating: 0, count: 1500)
        var failure: PacketIOError?
        do {
            // More than the stream buffer: a write(2) happens, fails with ENOSPC, and is seen at once.
            for _ in 0..<1000 {
                try payload.withUnsafeBytes {
                    try writer.write($0, timestamp: PcapTimestamp(seconds: 1, nanoseconds: 0))
                }
            }
            try writer.close()
        } catch let e as PacketIOError {
            failure = e
        }
        let error = try #require(failure)
        #expect(error.reason == .writeFailed(errno: ENOSPC))
        #expect(error.packetIndex != nil)
        #expect(error.description.contains("No space left on device"), "\(error)")
    }

    @Test func timestampsConvertToSkbTimeAndPrintLikeTcpdumpNano() {
        let t = PcapTimestamp(seconds: 1_700_000_000, nanoseconds: 5)
        #expect(t.nanosecondsSinceEpoch == 1_700_000_000_000_000_005)
        #expect(t.description == "1700000000.000000005")
        #expect(PcapTimestamp(seconds: -1, nanoseconds: 0).nanosecondsSinceEpoch == 0)
        #expect(PcapTimestamp(seconds: .max, nanoseconds: 0).nanosecondsSinceEpoch == .max)
        #expect(PcapTimestamp(seconds: 1, nanoseconds: 0) < PcapTimestamp(seconds: 1, nanoseconds: 1))
    }

    @Test func linkTypeValuesFollowLibpcap() {
        #expect(LinkType(rawValue: 101) == .raw)
        #expect(LinkType.raw.rawValue == 12)
        #expect(LinkType(rawValue: 276) == .linuxSLL2)
        #expect(LinkType(rawValue: 9) == .other(9))
        #expect(LinkType.ethernet.description == "EN10MB (1)")
        #expect(LinkType.linuxSLL2.name == "LINUX_SLL2")
        for value: Int32 in [0, 1, 12, 108, 113, 228, 229, 276, 9, 127, 3_145_728] {
            #expect(LinkType(rawValue: value).rawValue == value)
        }
    }
}
