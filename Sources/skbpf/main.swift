import SKBPFCommands

SKBPF.runAsMain()
