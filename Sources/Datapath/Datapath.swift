// Datapath: hook points on the L3/L4 path, routing, sockets, verdicts, statistics.
