/// An error that ends a command with a message and one of the documented exit codes.
///
/// Exit codes are a contract: 0 ok, 1 the program or test failed or was rejected,
/// 2 bad usage or unreadable input.
public struct CommandFailure: Error, CustomStringConvertible, Sendable {
    public enum Kind: Int32, Sendable {
        /// The program or test failed or was rejected.
        case rejected = 1
        /// Bad usage or unreadable input.
        case usage = 2
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func rejected(_ message: String) -> Self { .init(.rejected, message) }
    public static func usage(_ message: String) -> Self { .init(.usage, message) }

    public var description: String { message }
}
