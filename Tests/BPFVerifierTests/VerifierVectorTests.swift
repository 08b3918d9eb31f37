import BPFABI
import BPFISA
import BPFObject
import BPFVerifier
import Foundation
import TestSupport
import Testing

/// The verifier vectors (Vectors/asm/*.s and Vectors/c/*.c) against the kernel's verdicts
/// that Vectors/record.py recorded with kernel_oracle.py in Vectors/expected.json: the same
/// accept/reject, for a privileged loader and with --strict.
struct VerifierVectorTests {
    static let folder = SharedFixtures.repositoryRoot.appendingPathComponent("Tests/BPFVerifierTests/Vectors")
    static let clang = ProcessInfo.processInfo.environment["CLANG"] ?? "/opt/swift/usr/bin/clang"

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var type: ProgramType
        var accepted: Bool
        var error: String?
        var strictAccepted: Bool
        var strictError: String?
        var testDescription: String { name }
    }

    static let vectors: [Vector] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        else { return [] }
        return object.keys.sorted().compactMap { name in
            let entry = object[name]!
            guard let accepted = entry["accepted"] as? Bool else { return nil }
            return Vector(name: name, type: ProgramType(name: entry["type"] as? String ?? "tc") ?? .schedCls,
                          accepted: accepted, error: entry["error"] as? String,
                          strictAccepted: entry["strict_accepted"] as? Bool ?? accepted,
                          strictError: entry["strict_error"] as? String)
        }
    }()

    /// `section:` from a vector's leading comment lines, if any.
    static func section(of text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("//") || line.hasPrefix("#") {
            let body = line.drop { $0 == "/" || $0 == "#" || $0 == " " }
            if body.hasPrefix("section:") { return body.dropFirst(8).trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    static let scratch: URL = {
        let url = TestScratch.root.appendingPathComponent("verifier-vectors")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The program, its maps and whether its license is GPL, or nil with a printed reason.
    static func load(_ vector: Vector) throws -> (Program, [VerifierMap], Bool)? {
        if vector.name.hasSuffix(".s") {
            let text = try String(contentsOf: folder.appendingPathComponent("asm/" + vector.name), encoding: .utf8)
            return (try Assembler.assemble(text, dialect: .llvm), [], true)
        }
        guard FileManager.default.isExecutableFile(atPath: clang) else {
            print("note: \(vector.name) skipped: clang not found (set CLANG)")
            return nil
        }
        let file = vector.name
        let object = scratch.appendingPathComponent(file + ".o")
        try ExternalTool.run(clang, ["-target", "bpf", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu",
                                     "-I" + SharedFixtures.repositoryRoot.appendingPathComponent("Programs/c/include").path,
                                     "-c", folder.appendingPathComponent("c/" + file).path, "-o", object.path])
        let loaded = try LoadedObject.load(bytes: [UInt8](try Data(contentsOf: object)), cpuCount: 2)
        let gpl = ["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"].contains(loaded.license)
        let text = try String(contentsOf: folder.appendingPathComponent("c/" + file), encoding: .utf8)
        let section = Self.section(of: text)
        let program = try #require(section.flatMap { s in loaded.programs.first { $0.sectionName == s } } ?? loaded.programs.first)
        return (program.program, loaded.maps.map { VerifierMap(name: $0.name, definition: $0.definition) }, gpl)
    }

    /// Where skbpf's verdict is knowingly not the kernel's yet, and why ("NAME" or "NAME --strict").
    static let knownDifferences: [String: String] = [:]

    @Test func thereAreEnoughVectors() {
        #expect(Self.vectors.count >= 300)
    }

    @Test(arguments: vectors)
    func verdictMatchesTheKernel(_ vector: Vector) throws {
        guard let (program, maps, gpl) = try Self.load(vector) else { return }
        for strict in [false, true] {
            let label = vector.name + (strict ? " --strict" : "")
            if let reason = Self.knownDifferences[label] {
                withKnownIssue(Comment(rawValue: reason)) {
                    _ = try Verifier.verify(program, type: vector.type, maps: maps,
                                            options: VerifierOptions(strict: strict, isGPLCompatible: gpl))
                    #expect(strict ? vector.strictAccepted : vector.accepted)
                    if !(strict ? vector.strictAccepted : vector.accepted) { Issue.record("accepted") }
                }
                continue
            }
            let expected = strict ? vector.strictAccepted : vector.accepted
            let kernelError = (strict ? vector.strictError : vector.error) ?? "-"
            do {
                _ = try Verifier.verify(program, type: vector.type, maps: maps,
                                        options: VerifierOptions(strict: strict, isGPLCompatible: gpl))
                #expect(expected, "\(vector.name)\(strict ? " --strict" : ""): accepted; the kernel says: \(kernelError)")
            } catch {
                #expect(!expected, "\(vector.name)\(strict ? " --strict" : ""): rejected (\(error.message)); the kernel accepts it")
            }
        }
    }
}
