import SKBPFCommands

SKBPF.main()
