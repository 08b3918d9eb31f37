enum BPFVMPlaceholder {}
