enum BPFObjectPlaceholder {}
