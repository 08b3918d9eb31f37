import BPFABI
import BPFISA
import BPFObject
import BPFVerifier
import BPFVM
import Foundation

/// One program of a loaded object made runnable, as libbpf + the kernel would make it: every map
/// of the object created (global data filled, `.rodata` frozen), the program translated against
/// them with its type's helper rules, and prog arrays filled from their `__array(values, …)`
/// initialisers with the programs they name (each translated the same way, as tail-call targets).
final class ObjectInstance {
    let object: LoadedObject
    let program: LoadedProgram
    let programType: ProgramType
    let maps: MapSet
    let environment: HelperEnvironment
    let executable: ExecutableProgram

    /// - Throws: a rejection naming what failed: a map the kernel would not create, a program
    ///   that does not translate (refused helper, bad context access, bad map reference).
    init(object: LoadedObject, program: LoadedProgram, type: ProgramType, cpuCount: Int,
         mode: ExecutionMode = .checked, fillsProgramArrays: Bool = true, verifies: Bool = true) throws(CommandFailure) {
        self.object = object
        self.program = program
        self.programType = type
        let maps: MapSet
        do {
            maps = try MapSet(object.maps.map {
                MapSpecification(name: $0.name, definition: $0.definition, initialData: $0.initialData, isReadOnly: $0.isReadOnly)
            }, cpuCount: cpuCount)
        } catch {
            throw .rejected("\(error)")
        }
        self.maps = maps
        let environment = HelperEnvironment(maps: maps)
        self.environment = environment
        let isGPL = Self.isGPLCompatible(object.license)
        let verifierMaps = object.maps.map { VerifierMap(name: $0.name, definition: $0.definition) }
        func translate(_ program: LoadedProgram) throws(CommandFailure) -> ExecutableProgram {
            var report: VerificationReport?
            if verifies {
                do {
                    report = try Verifier.verify(program.program, type: type, maps: verifierMaps,
                                                 options: VerifierOptions(isGPLCompatible: isGPL))
                } catch {
                    // First line: the kernel's own error line; then where and why, for people.
                    throw .rejected(VerifyCommand.explain(error, program: program.program, loaded: program,
                                                          path: "\(program.sectionName)/\(program.name)", headline: true))
                }
            }
            do {
                // Only a verified program may run unchecked.
                return try ExecutableProgram(program.program, mode: report == nil ? .checked : mode, programType: type, maps: maps,
                                             isGPLCompatible: isGPL, verification: report)
            } catch {
                throw .rejected("\(program.sectionName)/\(program.name): \(Self.located(error, in: program))")
            }
        }
        executable = try translate(program)
        var targets = [String: Int]()
        for (index, map) in object.maps.enumerated() where fillsProgramArrays && !map.initialProgramSlots.isEmpty {
            guard let array = maps[index] as? ProgramArrayMap else { continue }
            for (slot, name) in map.initialProgramSlots.sorted(by: { $0.key < $1.key }) {
                guard let target = object.program(named: name) else {
                    throw .rejected("\(map.name)[\(slot)]: no program '\(name)' in the object")
                }
                let id: Int
                if let known = targets[name] {
                    id = known
                } else {
                    do { id = try environment.registerTailCallTarget(try translate(target)) } catch let error as LoadError {
                        throw .rejected("\(map.name)[\(slot)]: \(error)")
                    } catch let failure as CommandFailure {
                        throw failure
                    } catch {
                        throw .rejected("\(error)")
                    }
                    targets[name] = id
                }
                guard array.setProgram(id, at: slot) else {
                    throw .rejected("\(map.name): slot \(slot) is beyond max_entries \(array.maxEntries)")
                }
            }
        }
    }

    /// The maps that exist when the program is loaded on its own, as `kernel_oracle.py` dumps them.
    var visibleMaps: [BPFMap] { object.mapIndices(visibleTo: program).map { maps[$0] } }

    /// The kernel's `license_is_gpl_compatible()`.
    static func isGPLCompatible(_ license: String) -> Bool {
        ["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"].contains(license)
    }

    /// A load error with the source line of its slot when the object has line info.
    static func located(_ error: LoadError, in program: LoadedProgram) -> String {
        let slot: Int? = switch error {
        case .unknownHelper(_, let slot), .helperRefused(_, let slot), .invalidMapReference(_, let slot),
             .unsupported(_, let slot), .contextAccess(_, let slot), .invalidContextUse(_, let slot): slot
        case .invalidProgram(let decoding): decoding.slotIndex
        }
        guard let slot, let index = program.program.instructionIndex(atSlot: slot),
              let location = program.sourceLocation(ofInstruction: index)
        else { return "\(error)" }
        return "\(error) (\(location))"
    }

    /// CPUs the kernel sizes per-CPU maps by (`/sys/devices/system/cpu/possible`, e.g. `0-1`).
    static let possibleCPUCount: Int = {
        guard let text = try? String(contentsOfFile: "/sys/devices/system/cpu/possible", encoding: .utf8) else {
            return max(ProcessInfo.processInfo.processorCount, 1)
        }
        var count = 0
        for part in text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            count += bounds.count == 2 ? bounds[1] - bounds[0] + 1 : 1
        }
        return max(count, 1)
    }()
}

extension ProgramType {
    /// The type `kernel_oracle.py` infers from a section name: libbpf's names, then the prefixes
    /// `socket`/`sk_filter` (socket filter) and `action`/`sched_act` (tc action), else tc.
    static func inferred(fromSection name: String) -> ProgramType {
        if let type = ProgramType.forSection(name, legacyPrefixMatching: true) { return type }
        let lower = name.lowercased()
        if lower.hasPrefix("socket") || lower.hasPrefix("sk_filter") { return .socketFilter }
        if lower.hasPrefix("action") || lower.hasPrefix("sched_act") { return .schedAct }
        return .schedCls
    }
}
