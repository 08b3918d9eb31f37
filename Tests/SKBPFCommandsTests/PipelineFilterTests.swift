import Datapath
import Testing

@testable import SKBPFCommands

/// `filter:` attachments of a pipeline file: a tcpdump expression in place of a program file,
/// compiled for the link type its hook sees, its errors at its line in libpcap's words.
@Suite struct PipelineFilterTests {
    func parse(_ text: String, inputHasLinkHeader: Bool = true) throws(PipelineFileError) -> DatapathConfiguration {
        try PipelineFile.parse(text, path: "pipeline.yaml", inputHasLinkHeader: inputHasLinkHeader)
    }

    @Test func expressionInPlaceOfAProgram() throws {
        let configuration = try parse("attach:\n  - hook: ingress\n    filter: tcp dst port 80\n    priority: 3\n")
        let attachment = try #require(configuration.attachments.first)
        #expect(attachment.filterExpression == "tcp dst port 80")
        #expect(attachment.programPath == "" && attachment.priority == 3 && !attachment.isCaptureFilter)
    }

    struct ErrorCase: Sendable, CustomStringConvertible {
        var description: String
        var yaml: String
        var line: Int
        var keyPath: String
        var message: String
        var inputHasLinkHeader = true
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(description: "program and filter", yaml: "attach:\n  - hook: ingress\n    filter: tcp\n    program: a.o\n",
                  line: 4, keyPath: "attach[0].program", message: "'program' belongs to a program file; a 'filter:' attachment"),
        ErrorCase(description: "section with a filter", yaml: "attach:\n  - {hook: ingress, filter: tcp, section: tc}\n",
                  line: 2, keyPath: "attach[0].section", message: "'section' belongs to a program file"),
        ErrorCase(description: "neither", yaml: "attach:\n  - hook: ingress\n", line: 2, keyPath: "attach[0].program",
                  message: "an attachment names its program file (program:) or a tcpdump expression (filter:)"),
        ErrorCase(description: "syntax error", yaml: "attach:\n  - hook: egress\n    filter: tcp dstport 80\n",
                  line: 3, keyPath: "attach[0].filter",
                  message: "libpcap cannot compile this expression for EN10MB: can't parse filter expression: syntax error"),
        ErrorCase(description: "vlan at a netfilter hook (raw IP)", yaml: "attach:\n  - {hook: prerouting, filter: vlan}\n",
                  line: 2, keyPath: "attach[0].filter", message: "for RAW: no VLAN support for Raw IP"),
        ErrorCase(description: "empty expression", yaml: "attach:\n  - {hook: socket, filter: ''}\n",
                  line: 2, keyPath: "attach[0].filter", message: "a tcpdump expression is empty"),
        ErrorCase(description: "devices of both kinds",
                  yaml: "devices:\n  - name: in\n  - {name: tun0, link: none}\nattach:\n  - {hook: ingress, filter: ip}\n",
                  line: 5, keyPath: "attach[0].filter",
                  message: "one expression cannot serve Ethernet devices (in) and devices without a link header (tun0): name one with 'device:'"),
    ]

    @Test(arguments: errorCases)
    func errorNamesLineAndKeyPath(_ errorCase: ErrorCase) {
        #expect {
            try parse(errorCase.yaml, inputHasLinkHeader: errorCase.inputHasLinkHeader)
        } throws: { error in
            guard let error = error as? PipelineFileError else { return false }
            return error.line == errorCase.line && error.keyPath == errorCase.keyPath && error.message.text.contains(errorCase.message)
        }
    }

    /// One device named: its kind decides (Ethernet: EN10MB; none: raw IP from the network header).
    @Test func aNamedDeviceDecides() throws {
        let yaml = "devices:\n  - name: in\n  - {name: tun0, link: none}\nattach:\n  - {hook: ingress, filter: ip, device: tun0}\n"
        #expect(try parse(yaml).attachments.first?.filterExpression == "ip")
        let placement = ClassicLoader.placement(hook: .ingress, device: "tun0", devices: try parse(yaml).devices)
        #expect(try placement.get().0 == .raw && placement.get().1 == .networkHeader)
        let ethernet = ClassicLoader.placement(hook: .egress, device: "in", devices: try parse(yaml).devices)
        #expect(try ethernet.get().0 == .ethernet && ethernet.get().1 == .data)
        let socket = ClassicLoader.placement(hook: .socket, device: nil, devices: try parse(yaml).devices)
        #expect(try socket.get().1 == .networkHeader)
    }
}
