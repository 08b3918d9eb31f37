/// C programs the loader tests compile (with clang, into a temporary folder), each exercising
/// one part of the loader. Every one builds with nothing but `clang -target bpf -O2 -g -c`.
enum CSources {
    /// What libbpf's bpf_helpers.h would give, written out.
    static let header = """
        typedef unsigned char __u8; typedef unsigned short __u16;
        typedef unsigned int __u32; typedef unsigned long long __u64; typedef long long __s64;
        #define SEC(name) __attribute__((section(name), used))
        #define __uint(name, val) int (*name)[val]
        #define __type(name, val) typeof(val) *name
        #define __array(name, val) typeof(val) *name[]
        #define __noinline __attribute__((noinline))
        struct __sk_buff { __u32 len, pkt_type, mark, queue_mapping, protocol, vlan_present, vlan_tci,
            vlan_proto, priority, ingress_ifindex, ifindex, tc_index, cb[5], hash, tc_classid, data, data_end; };
        struct bpf_map_def { unsigned int type, key_size, value_size, max_entries, map_flags; };
        static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
        static long (*bpf_tail_call)(void *ctx, void *map, __u32 index) = (void *)12;
        static long (*bpf_loop)(__u32 n, void *fn, void *ctx, __u64 flags) = (void *)181;

        """

    /// BTF and legacy maps, .data/.rodata/.bss, static and global subprograms (one calling the
    /// other), a bpf_loop callback, two programs in two sections.
    static let mapsAndCalls = header + """
        struct { __uint(type, 1); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } counts SEC(".maps");
        struct { __uint(type, 2); __uint(max_entries, 4); __uint(key_size, 4); __uint(value_size, 8); __uint(map_flags, 0); } slots SEC(".maps");
        struct bpf_map_def SEC("maps") legacy = { .type = 2, .key_size = 4, .value_size = 4, .max_entries = 8 };
        struct bpf_map_def SEC("maps") legacy_hash = { .type = 1, .key_size = 8, .value_size = 4, .max_entries = 2, .map_flags = 1 };
        const volatile __u32 limit = 42;
        __u32 seen = 7;
        __u64 total;
        static __noinline int scale(int x) { return x * 3 + limit; }
        __noinline int measure(struct __sk_buff *skb) { return skb->len + scale(skb->mark); }
        static int add_index(__u32 index, void *ctx) { total += index; return 0; }
        SEC("tc") int count_packets(struct __sk_buff *skb) {
            __u32 key = 0;
            __u64 *value = bpf_map_lookup_elem(&counts, &key);
            if (value) *value += 1;
            __u64 wide = 0;
            void *old = bpf_map_lookup_elem(&legacy_hash, &wide);
            if (old) return 1;
            seen++;
            bpf_loop(4, add_index, 0, 0);
            return measure(skb) + total;
        }
        SEC("socket") int keep_headers(struct __sk_buff *skb) {
            __u32 key = 1;
            void *a = bpf_map_lookup_elem(&slots, &key);
            void *b = bpf_map_lookup_elem(&legacy, &key);
            return (a ? 1 : 0) + (b ? 2 : 0) + scale(skb->len);
        }
        char LICENSE[] SEC("license") = "Dual BSD/GPL";

        """

    /// Static (section-symbol) globals with offsets, named data sections, strings in .rodata,
    /// two programs in one section, a program calling a global function of another section.
    static let globals = header + """
        static __u32 first_counter;
        static __u32 second_counter;
        static __u64 pair[2] = { 5, 6 };
        __u32 tagged SEC(".data.tagged") = 9;
        __u64 big_zeroes[3] SEC(".bss.extra");
        static const char message[] = "hello, rodata";
        SEC("tc") int first(struct __sk_buff *skb) {
            first_counter++;
            second_counter += 2;
            return pair[1] + tagged + message[skb->len & 7];
        }
        SEC("tc") int second(struct __sk_buff *skb) {
            big_zeroes[2] = skb->mark;
            return pair[0] + second_counter;
        }
        __noinline int shared_classifier(struct __sk_buff *skb) SEC("classifier") ;
        __noinline int shared_classifier(struct __sk_buff *skb) { return skb->len > 100; }
        SEC("action") int act(struct __sk_buff *skb) { return shared_classifier(skb) + tagged; }
        char LICENSE[] SEC("license") = "GPL";

        """

    /// A prog array with initial slots and a tail call.
    static let progArray = header + """
        SEC("tc") int handle_tcp(struct __sk_buff *skb) { return 1; }
        SEC("tc") int handle_udp(struct __sk_buff *skb) { return 2; }
        struct { __uint(type, 3); __uint(max_entries, 4); __uint(key_size, 4); __array(values, int (struct __sk_buff *));
        } jumps SEC(".maps") = { .values = { [1] = &handle_tcp, [3] = &handle_udp } };
        SEC("tc") int dispatch(struct __sk_buff *skb) { bpf_tail_call(skb, &jumps, skb->protocol & 3); return 0; }
        char LICENSE[] SEC("license") = "GPL";

        """

    /// Every BTF kind clang emits: INT, PTR, ARRAY, STRUCT (with bitfields), UNION, ENUM,
    /// ENUM64, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DATASEC, FLOAT,
    /// DECL_TAG, TYPE_TAG.
    static let allKinds = header + """
        struct opaque;
        typedef struct { __u32 low : 4, high : 28; __u16 port; } __attribute__((btf_decl_tag("flow"))) flow_t;
        union either { __u32 word; __u8 bytes[4]; };
        enum color { RED, GREEN = 7 };
        enum huge { SMALL = 1, LARGE = 0x1234567890ULL };
        struct everything {
            flow_t flow; union either u; enum color c; enum huge h; float ratio; double precise;
            struct opaque *hidden; const volatile __u32 *restrict cursor; int __attribute__((btf_type_tag("user"))) *tagged;
            __u64 matrix[2][3];
        };
        _Static_assert(sizeof(struct everything) == 112, "the layout the tests expect");
        struct everything everything_var;
        struct { __uint(type, 2); __uint(max_entries, 1); __type(key, __u32); __type(value, struct everything); } all SEC(".maps");
        static __noinline int tagged_arg(int x __attribute__((btf_decl_tag("arg")))) { return x + 1; }
        SEC("tc") int kinds(struct __sk_buff *skb) {
            __u32 key = 0;
            struct everything *e = bpf_map_lookup_elem(&all, &key);
            return e ? e->flow.port + tagged_arg(e->c) : everything_var.u.word;
        }
        char LICENSE[] SEC("license") = "GPL";

        """

    /// A call of a kernel function (`__ksym` extern): not supported.
    static let kernelFunction = header + """
        extern int bpf_kfunc_call_test1(int x) __attribute__((section(".ksyms")));
        SEC("tc") int calls_kfunc(struct __sk_buff *skb) { return bpf_kfunc_call_test1(skb->len); }
        char LICENSE[] SEC("license") = "GPL";

        """

    /// Maps the kernel (or skbpf) refuses to create, one object each.
    static func badMap(_ members: String) -> String {
        header + """
            struct { \(members) } bad SEC(".maps");
            SEC("tc") int uses_bad(struct __sk_buff *skb) { __u32 k = 0; return bpf_map_lookup_elem(&bad, &k) != 0; }
            char LICENSE[] SEC("license") = "GPL";

            """
    }
}
