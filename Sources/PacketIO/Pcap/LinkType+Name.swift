internal import CPcap

extension LinkType {
    /// The link type libpcap names `name` (`EN10MB`, `RAW`, `LINUX_SLL`, with or without the
    /// `DLT_` prefix, any case), or a `DLT_*` number. The corresponding C function is
    /// `pcap_datalink_name_to_val(3)`.
    public init?(name: String) {
        if let number = Int32(name), number >= 0 {
            self.init(rawValue: number)
            return
        }
        let bare = name.uppercased().hasPrefix("DLT_") ? String(name.dropFirst(4)) : name
        let value = pcap_datalink_name_to_val(bare)
        guard value >= 0 else { return nil }
        self.init(rawValue: value)
    }

    /// What `pcap_datalink_val_to_description(3)` says of it (`Ethernet`), when libpcap knows it.
    public var summary: String? {
        pcap_datalink_val_to_description(rawValue).map { String(cString: $0) }
    }
}
