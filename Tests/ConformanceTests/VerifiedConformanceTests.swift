import Foundation
import SKBPFCommands
import TestSupport
import Testing

/// Verified mode: every bpf_conformance vector goes through the verifier before it runs, and the
/// verdicts match the kernel's (KernelVerdicts/bpf_conformance.json, recorded by
/// KernelVerdicts/record.py with kernel_oracle.py): it refuses the 12 constant shifts out of range
/// and callx. Vectors the kernel refused only for touching their memory block (a socket filter's r1
/// is its context, and r2 is unset) are accepted here, where r1 is the block and r2 its length.
/// Every accepted vector then runs, checked and as native code, to its expected result.
@Suite struct VerifiedConformanceTests {
    struct KernelVerdict: Decodable {
        var accepted: Bool
        var message: String
    }

    static let kernelVerdicts: [String: KernelVerdict] = {
        let file = SharedFixtures.repositoryRoot.appendingPathComponent(
            "Tests/ConformanceTests/KernelVerdicts/bpf_conformance.json")
        guard let data = try? Data(contentsOf: file) else { return [:] }
        return (try? JSONDecoder().decode([String: KernelVerdict].self, from: data)) ?? [:]
    }()

    /// What the kernel's verdict means for a raw-memory program: a refusal for a context access
    /// or an unset r2 is about the memory block a socket filter does not have.
    static func expectsAcceptance(_ verdict: KernelVerdict) -> Bool {
        if verdict.accepted { return true }
        let aboutTheBlock = ["bpf_context access", "modified ctx ptr", "R2 !read_ok"]
        return aboutTheBlock.contains { verdict.message.contains($0) }
    }

    @Test func everyVectorHasAKernelVerdict() {
        #expect(Self.kernelVerdicts.count == 313)
        let refused = Self.kernelVerdicts.filter { !Self.expectsAcceptance($0.value) }
        #expect(refused.count == 13, "12 constant shifts out of range and callx")
    }

    @Test(.enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"),
          arguments: ConformanceSuiteTests.bpfConformance)
    func verdictMatchesTheKernel(_ file: URL) throws {
        let vector = try ConformanceVector.load(path: file.path)
        let name = file.lastPathComponent
        guard let outcome = ConformanceRunner().runVerified(vector) else { return }
        let verdict = try #require(Self.kernelVerdicts[name], "\(name): no kernel verdict recorded")
        if Self.expectsAcceptance(verdict) {
            #expect(outcome.rejection == nil, "\(name): the kernel accepts it, skbpf says \(outcome.rejection ?? "")")
        } else {
            #expect(outcome.rejection == verdict.message, "\(name): the kernel says \(verdict.message)")
        }
        if case .failed(let why) = outcome.run { Issue.record("\(name): \(why)") }
    }
}
