import Glibc

/// SIGINT, SIGTERM and SIGHUP turned into bytes on a pipe the engine polls (the self-pipe trick):
/// the handler only writes the signal number, which is async-signal-safe, and the engine acts
/// on it between packets.
enum LiveSignals {
    nonisolated(unsafe) private static var writeEnd: Int32 = -1
    nonisolated(unsafe) private(set) static var readEnd: Int32 = -1

    static func install() throws(CommandFailure) {
        var ends: (Int32, Int32) = (-1, -1)
        let status = withUnsafeMutablePointer(to: &ends) {
            $0.withMemoryRebound(to: Int32.self, capacity: 2) { pipe($0) }
        }
        for end in [ends.0, ends.1] {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        guard status == 0 else { throw .rejected("pipe: \(String(cString: strerror(errno)))") }
        (readEnd, writeEnd) = ends
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = Glibc.write(LiveSignals.writeEnd, &byte, 1)
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
        // A blocked mask is inherited across exec: started by a parent that blocks these (a test
        // runner's worker thread does), the engine would never see them and could not be stopped.
        var handled = sigset_t()
        sigemptyset(&handled)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&handled, signal) }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
    }

    /// The signals received since the last call, in order.
    static func drain() -> [Int32] {
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            received += buffer.prefix(n).map { Int32($0) }
        }
        return received
    }
}
