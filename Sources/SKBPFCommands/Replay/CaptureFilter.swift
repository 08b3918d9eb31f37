import ClassicBPF
import Datapath
import PacketBuffer
import PacketIO

/// `replay --filter EXPR [--matched-out FILE]`: a tcpdump expression compiled by libpcap for the
/// capture's own link type and snapshot length, run on each packet as read (the bytes `tcpdump -r`
/// filters), as the first program at the input device's `ingress`
/// (``Datapath/filterArrival(_:on:attachment:wireLength:)``). The packets it matches go on
/// through the datapath and, with `--matched-out`, into a capture written as `tcpdump -w` writes
/// it: same link type and snapshot length, microsecond timestamps, the captured bytes and the
/// original lengths.
final class CaptureFilter {
    let expression: String
    let attachment: ProgramAttachment
    /// The attachment's index in the datapath (the replay puts it first).
    let index = 0
    private var matchedOutput: PcapWriter?
    private(set) var matchedCount = 0
    private var failure: PacketIOError?

    /// Compiles `expression` with the capture's own libpcap handle, as `tcpdump -r` does.
    init(expression: String, reader: borrowing PcapReader, device: String, matchedOut: String?) throws(CommandFailure) {
        self.expression = expression
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

    /// Runs the filter on `skb` (the record as read) and books it in `datapath`; true when it
    /// matched (the packet goes on; it is written to `--matched-out`), false when the datapath
    /// dropped it at ingress.
    func admits(_ skb: SkBuff, _ header: PcapPacketHeader, datapath: Datapath, device: Int) throws(CommandFailure) -> Bool {
        guard datapath.filterArrival(skb, on: device, attachment: index, wireLength: header.originalLength) == nil else {
            return false
        }
        matchedCount += 1
        if failure == nil, matchedOutput != nil {
            do {
                try matchedOutput!.write(skb, asRecord: header)
            } catch {
                failure = error
            }
        }
        return true
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
