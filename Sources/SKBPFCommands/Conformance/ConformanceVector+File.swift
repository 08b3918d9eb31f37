import Foundation

extension ConformanceVector {
    /// Reads and parses a vector file; `@ FILE` references resolve relative to its folder.
    public static func load(path: String) throws -> ConformanceVector {
        let text = String(decoding: try ProgramFile.readBytes(path), as: UTF8.self)
        let folder = (path as NSString).deletingLastPathComponent
        return try ConformanceVector(path: path, text: text) { name in
            String(decoding: try ProgramFile.readBytes((folder as NSString).appendingPathComponent(name)), as: UTF8.self)
        }
    }
}
