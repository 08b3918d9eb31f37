import Foundation

/// Locates the repository and the `../shared` folder beside it (test data that is never
/// committed). Tests that need `../shared` use `.enabled(if: SharedFixtures.root != nil, ...)`
/// so a missing folder prints a skip reason instead of failing.
public enum SharedFixtures {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared` next to the repository, or `$SKBPF_SHARED`, if present.
    public static let root: URL? = {
        if let path = ProcessInfo.processInfo.environment["SKBPF_SHARED"] {
            return URL(fileURLWithPath: path)
        }
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// `../shared/conformance`, if present.
    public static let conformance: URL? = root.map { $0.appendingPathComponent("conformance") }
        .flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }

    /// Every file under `folder` whose name ends with `suffix`, sorted; empty if the folder is absent.
    public static func files(under folder: URL?, suffix: String) -> [URL] {
        guard let folder, let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var found: [URL] = []
        for case let relative as String in walker where relative.hasSuffix(suffix) {
            found.append(folder.appendingPathComponent(relative))
        }
        return found.sorted { $0.path < $1.path }
    }

    /// A path relative to `base`, for readable test case names.
    public static func relativePath(_ url: URL, to base: URL?) -> String {
        guard let base, url.path.hasPrefix(base.path + "/") else { return url.lastPathComponent }
        return String(url.path.dropFirst(base.path.count + 1))
    }
}
