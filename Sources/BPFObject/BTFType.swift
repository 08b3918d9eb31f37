// One BTF type record (include/uapi/linux/btf.h, Documentation/bpf/btf.rst):
//
//   0 name_off u32   4 info u32: vlen bits 0-15 | kind bits 24-28 | kind_flag bit 31
//   8 size/type u32  (a size for INT, STRUCT, UNION, ENUM, DATASEC, FLOAT, ENUM64; a type id
//                     for PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR,
//                     DECL_TAG, TYPE_TAG)
//  12 kind-specific data: INT u32 | ARRAY {type, index_type, nelems} | STRUCT/UNION vlen x
//     {name_off, type, offset} | ENUM vlen x {name_off, s32 val} | FUNC_PROTO vlen x
//     {name_off, type} | VAR {linkage} | DATASEC vlen x {type, offset, size} | DECL_TAG
//     {s32 component_idx} | ENUM64 vlen x {name_off, val_lo32, val_hi32}
//
// Type id 0 is `void`; the first record in the type section is id 1.

/// One BTF type, decoded. ``BTF/types`` is indexed by type id; id 0 is ``Kind/void``.
public struct BTFType: Hashable, Sendable {
    /// The type's id: its position in ``BTF/types``.
    public var id: Int
    /// Its name (empty for anonymous types).
    public var name: String
    /// What it is, with its kind-specific data.
    public var kind: Kind
    /// Byte offset of the record inside the `.BTF` data (0 for `void`).
    public var recordOffset: Int

    /// A type record as parsed (or built by hand, for tests and tools).
    public init(id: Int, name: String, kind: Kind, recordOffset: Int) {
        self.id = id
        self.name = name
        self.kind = kind
        self.recordOffset = recordOffset
    }

    /// The kinds of BTF types, with their data. Type ids are `Int`s into ``BTF/types``.
    public enum Kind: Hashable, Sendable {
        /// Type id 0: no type.
        case void
        /// `BTF_KIND_INT` (1): `byteCount` of storage; the value is `bitCount` bits from `bitOffset`.
        case integer(byteCount: Int, encoding: IntegerEncoding, bitOffset: Int, bitCount: Int)
        /// `BTF_KIND_PTR` (2).
        case pointer(to: Int)
        /// `BTF_KIND_ARRAY` (3): `count` elements of `element`.
        case array(element: Int, index: Int, count: Int)
        /// `BTF_KIND_STRUCT` (4).
        case structure(byteCount: Int, members: [Member])
        /// `BTF_KIND_UNION` (5).
        case union(byteCount: Int, members: [Member])
        /// `BTF_KIND_ENUM` (6): 32-bit values (`isSigned` from `kind_flag`).
        case enumeration(byteCount: Int, isSigned: Bool, values: [Enumerator])
        /// `BTF_KIND_FWD` (7): a forward declaration of a struct or (`isUnion`) a union.
        case forward(isUnion: Bool)
        /// `BTF_KIND_TYPEDEF` (8).
        case typedef(of: Int)
        /// `BTF_KIND_VOLATILE` (9).
        case volatile(of: Int)
        /// `BTF_KIND_CONST` (10).
        case const(of: Int)
        /// `BTF_KIND_RESTRICT` (11).
        case restrict(of: Int)
        /// `BTF_KIND_FUNC` (12): a function; `prototype` is its `FUNC_PROTO`.
        case function(prototype: Int, linkage: Linkage)
        /// `BTF_KIND_FUNC_PROTO` (13).
        case functionPrototype(returnType: Int, parameters: [Parameter])
        /// `BTF_KIND_VAR` (14): a global variable (or a `.maps` map).
        case variable(type: Int, linkage: Linkage)
        /// `BTF_KIND_DATASEC` (15): the variables of an ELF data section.
        case dataSection(byteCount: Int, variables: [SectionVariable])
        /// `BTF_KIND_FLOAT` (16).
        case float(byteCount: Int)
        /// `BTF_KIND_DECL_TAG` (17): `__attribute__((btf_decl_tag))` on `type`, or on one of
        /// its members/parameters (`componentIndex`, -1 for the type itself).
        case declarationTag(type: Int, componentIndex: Int)
        /// `BTF_KIND_TYPE_TAG` (18).
        case typeTag(of: Int)
        /// `BTF_KIND_ENUM64` (19): 64-bit values.
        case enumeration64(byteCount: Int, isSigned: Bool, values: [Enumerator])

        /// The kernel's `BTF_KIND_*` number.
        public var number: Int {
            switch self {
            case .void: 0
            case .integer: 1
            case .pointer: 2
            case .array: 3
            case .structure: 4
            case .union: 5
            case .enumeration: 6
            case .forward: 7
            case .typedef: 8
            case .volatile: 9
            case .const: 10
            case .restrict: 11
            case .function: 12
            case .functionPrototype: 13
            case .variable: 14
            case .dataSection: 15
            case .float: 16
            case .declarationTag: 17
            case .typeTag: 18
            case .enumeration64: 19
            }
        }

        /// `STRUCT`, `PTR`, … as bpftool prints kinds.
        public var name: String { btfKindName(number) }

        /// Every type id this kind refers to (members, elements, parameters, targets).
        public var referencedTypes: [Int] {
            switch self {
            case .void, .integer, .forward, .float, .enumeration, .enumeration64: []
            case .pointer(let t), .typedef(let t), .volatile(let t), .const(let t), .restrict(let t),
                .typeTag(let t):
                [t]
            case .array(let element, let index, _): [element, index]
            case .structure(_, let members), .union(_, let members): members.map(\.type)
            case .function(let prototype, _): [prototype]
            case .functionPrototype(let returnType, let parameters): [returnType] + parameters.map(\.type)
            case .variable(let type, _): [type]
            case .dataSection(_, let variables): variables.map(\.type)
            case .declarationTag(let type, _): [type]
            }
        }
    }

    /// `BTF_INT_SIGNED`, `BTF_INT_CHAR`, `BTF_INT_BOOL` (bits 24-27 of an INT's data word).
    public struct IntegerEncoding: OptionSet, Hashable, Sendable {
        /// The 4-bit encoding field.
        public var rawValue: UInt8
        /// Flags from the raw field.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `BTF_INT_SIGNED`.
        public static let signed = IntegerEncoding(rawValue: 1 << 0)
        /// `BTF_INT_CHAR`.
        public static let char = IntegerEncoding(rawValue: 1 << 1)
        /// `BTF_INT_BOOL`.
        public static let bool = IntegerEncoding(rawValue: 1 << 2)
    }

    /// Linkage of a FUNC (`BTF_FUNC_STATIC`/`GLOBAL`/`EXTERN`) or VAR (`BTF_VAR_STATIC`/
    /// `GLOBAL_ALLOCATED`/`GLOBAL_EXTERN`): 0 static, 1 global, 2 extern.
    public enum Linkage: Hashable, Sendable {
        case `static`, global, external
        case other(UInt32)

        init(_ raw: UInt32) {
            switch raw {
            case 0: self = .static
            case 1: self = .global
            case 2: self = .external
            default: self = .other(raw)
            }
        }
    }

    /// A member of a STRUCT or UNION.
    public struct Member: Hashable, Sendable {
        /// The member's name (empty for anonymous members).
        public var name: String
        /// Its type id.
        public var type: Int
        /// Offset from the start of the struct in bits.
        public var bitOffset: Int
        /// Width of a bitfield member (0 for ordinary members); only with `kind_flag` set.
        public var bitfieldSize: Int

        /// A member as parsed.
        public init(name: String, type: Int, bitOffset: Int, bitfieldSize: Int = 0) {
            self.name = name
            self.type = type
            self.bitOffset = bitOffset
            self.bitfieldSize = bitfieldSize
        }
    }

    /// A named value of an ENUM or ENUM64 (sign-extended when the enum is signed).
    public struct Enumerator: Hashable, Sendable {
        /// The constant's name.
        public var name: String
        /// Its value.
        public var value: Int64

        /// An enumerator as parsed.
        public init(name: String, value: Int64) {
            self.name = name
            self.value = value
        }
    }

    /// A parameter of a FUNC_PROTO (type 0 with an empty name: `...`).
    public struct Parameter: Hashable, Sendable {
        /// The parameter's name (empty in prototypes without names).
        public var name: String
        /// Its type id (0 with an empty name: variadic `...`).
        public var type: Int

        /// A parameter as parsed.
        public init(name: String, type: Int) {
            self.name = name
            self.type = type
        }
    }

    /// A variable of a DATASEC: its VAR type, offset and size in the section.
    public struct SectionVariable: Hashable, Sendable {
        /// The VAR (or FUNC, for extern sections) type id.
        public var type: Int
        /// Byte offset in the section.
        public var offset: Int
        /// Size in bytes.
        public var byteCount: Int

        /// A DATASEC entry as parsed.
        public init(type: Int, offset: Int, byteCount: Int) {
            self.type = type
            self.offset = offset
            self.byteCount = byteCount
        }
    }
}

/// `BTF_KIND_*` name without the prefix (`STRUCT`), or `kind N` for numbers past ENUM64.
func btfKindName(_ number: Int) -> String {
    let names = [
        "UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF", "VOLATILE", "CONST",
        "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64",
    ]
    return number >= 0 && number < names.count ? names[number] : "kind \(number)"
}
