import BPFVM
import Datapath

/// Map contents that survive a reload: a map of a new attachment takes the entries of the map
/// with the same name, in the attachment of the same program file and section, when the two are
/// defined alike (type, key and value size, entries, flags). Anything else starts as loaded.
enum MapCarryOver {
    /// Copies entries; the number of maps carried.
    static func carry(from old: [ProgramAttachment], to new: [ProgramAttachment]) -> Int {
        var carried = 0
        for attachment in new {
            guard let previous = old.first(where: {
                $0.specification.programPath == attachment.specification.programPath
                    && $0.specification.section == attachment.specification.section
            }) else { continue }
            let oldMaps = previous.interpreter.environment.maps
            let newMaps = attachment.interpreter.environment.maps
            for index in 0..<newMaps.count {
                let map = newMaps[index]
                guard let source = oldMaps.map(named: map.name), source.definition == map.definition, source !== map,
                      map.isListable else { continue }
                // Pre-filled entries of the new pipeline win over carried ones.
                for entry in source.entries() {
                    guard let value = entry.value else { continue }
                    if (try? map.lookup(key: entry.key)) != nil { continue }
                    try? map.update(key: entry.key, value: value)
                }
                carried += 1
            }
        }
        return carried
    }
}
