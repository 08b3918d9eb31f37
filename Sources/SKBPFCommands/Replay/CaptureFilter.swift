import ClassicBPF
import Datapath
import PacketBuffer
import PacketIO

/// `replay --filter EXPR [--matched-out FILE]`: a tcpdump expression compiled by libpcap for the
/// capture's own link type and snapshot length, run on each packet as read (the bytes `tcpdump -r`
/// filters, where the reader holds them: a refused packet is never copied), as the first program
/// at the input device's `ingress` (``Datapath/filterArrival(_:wireLength:on:attachment:)``). The packets it matches go on
/// through the datapath and, with `--matched-out`, into a capture written as `tcpdump -w` writes
/// it: same link type and snapshot length, microsecond timestamps, the captured bytes and the
/// original lengths.
final class CaptureFilter {
    let expression: String
    let attachment: ProgramAttachment
    /// The attachment's index in the datapath (the replay puts it first).
    let index = 0
    private var matchedOutput: PcapWriter?
    let matchedPath: String?
    private(set) var matchedCount = 0
    private var failure: PacketIOError?

    /// Compiles `expression` with the capture's own libpcap handle, as `tcpdump -r` does.
    init(expression: String, reader: borrowing PcapReader, device: String, matchedOut: String?) throws(CommandFailure) {
        self.expression = expression
        matchedPath = matchedOut
        let compiled: FilterExpression
        do { compiled = try reader.compileFilter(expression) } catch { throw .rejected("\(error)") }
        let translation = try ClassicLoader.translate(compiled, origin: .data)
        let label = "filter '\(expression)'"
        let interpreter = try ClassicLoader.interpreter(for: translation, label: label)
        var specification = AttachmentSpecification(hook: .ingress, programPath: "", priority: Int.min, device: device,
                                                    filterExpression: expression)
        specification.isCaptureFilter = true
        do {
            attachment = try ProgramAttachment(name: label, specification: specification, interpreter: interpreter)
        } catch {
            throw .usage(error.message)
        }
        if let matchedOut {
            do {
                matchedOutput = try PcapWriter(path: matchedOut, headerOf: reader, precision: .microsecond)
            } catch {
                throw .usage("--matched-out: \(error)")
            }
        }
    }

    /// Runs the filter on `packet` (the record as read, where the reader holds it) and books it
    /// in `datapath`; true when it matched (the packet is written to `--matched-out` and goes on
    /// into the datapath), false when the datapath dropped it at ingress (it is written nowhere).
    private func admits(_ packet: PcapPacket, datapath: Datapath, device: Int) -> Bool {
        guard datapath.filterArrival(packet.bytes, wireLength: packet.header.originalLength, on: device, attachment: index) == nil
        else { return false }
        matchedCount += 1
        if failure == nil, matchedOutput != nil {
            do {
                try matchedOutput!.write(asRead: packet)
            } catch {
                failure = error
            }
        }
        return true
    }

    /// Passes over the records the filter refuses (each booked as dropped at ingress and given its
    /// short line in `verdicts`) up to the next one it matches, which stays pending in `reader` for
    /// the datapath to read; false at the end of the capture. One call per matched packet rather
    /// than per packet keeps the refused ones free of the caller's retain/release per iteration.
    func advanceToMatch(in reader: inout PcapReader, datapath: Datapath, device: Int, verdicts: VerdictLog?)
        throws(PacketIOError) -> Bool
    {
        while let record = try reader.peek() {
            if admits(record, datapath: datapath, device: device) { return true }
            try reader.skip()
            verdicts?.writeFiltered(index: record.header.index)
        }
        return false
    }

    /// `filter 'tcp': 2637 of 4096 packets matched, written to m.pcap`, for the text summary.
    func summaryLine(packets: Int) -> String {
        "filter '\(expression)': \(matchedCount) of \(packets) packets matched" + (matchedPath.map { ", written to \($0)" } ?? "")
    }

    /// Flushes `--matched-out`; the first write error, if any.
    func close() -> PacketIOError? {
        if failure == nil, matchedOutput != nil {
            do { try matchedOutput!.flush() } catch { failure = error }
        }
        matchedOutput = nil
        return failure
    }
}
