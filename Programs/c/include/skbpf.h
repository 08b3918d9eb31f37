/* skbpf.h — the few definitions skbpf's example filters need, written from the uapi
 * layouts (see ../../shared/reference/sk_buff_ctx.md) so that the examples build with
 * nothing but `clang -target bpf`: no kernel headers, no libbpf.
 */
#ifndef SKBPF_H
#define SKBPF_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef signed short __s16;
typedef unsigned int __u32;
typedef signed int __s32;
typedef unsigned long long __u64;
typedef signed long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;

/* Place a function or variable in a named ELF section: the section names the program type
 * to loaders ("tc", "socket", "classifier", ...). */
#define SEC(name) __attribute__((section(name), used))

#define __always_inline inline __attribute__((always_inline))
#define __noinline __attribute__((noinline))

/* struct __sk_buff as tc and socket-filter programs see it (192 bytes, Linux 6.18). The
 * kernel rewrites every access; `data`, `data_end` and `data_meta` read as 64-bit
 * pointers although the fields are 32 bits wide. */
struct __sk_buff {
	__u32 len;
	__u32 pkt_type;
	__u32 mark;
	__u32 queue_mapping;
	__u32 protocol;
	__u32 vlan_present;
	__u32 vlan_tci;
	__u32 vlan_proto;
	__u32 priority;
	__u32 ingress_ifindex;
	__u32 ifindex;
	__u32 tc_index;
	__u32 cb[5];
	__u32 hash;
	__u32 tc_classid;
	__u32 data;
	__u32 data_end;
	__u32 napi_id;
	__u32 family;
	__u32 remote_ip4;
	__u32 local_ip4;
	__u32 remote_ip6[4];
	__u32 local_ip6[4];
	__u32 remote_port;
	__u32 local_port;
	__u32 data_meta;
	union { void *flow_keys; __u64 :64; } __attribute__((aligned(8)));
	__u64 tstamp;
	__u32 wire_len;
	__u32 gso_segs;
	union { void *sk; __u64 :64; } __attribute__((aligned(8)));
	__u32 gso_size;
	__u8 tstamp_type;
	__u32 :24;
	__u64 hwtstamp;
};

_Static_assert(__builtin_offsetof(struct __sk_buff, cb) == 48, "cb");
_Static_assert(__builtin_offsetof(struct __sk_buff, data) == 76, "data");
_Static_assert(__builtin_offsetof(struct __sk_buff, data_end) == 80, "data_end");
_Static_assert(__builtin_offsetof(struct __sk_buff, data_meta) == 140, "data_meta");
_Static_assert(__builtin_offsetof(struct __sk_buff, tstamp) == 152, "tstamp");
_Static_assert(__builtin_offsetof(struct __sk_buff, wire_len) == 160, "wire_len");
_Static_assert(__builtin_offsetof(struct __sk_buff, gso_size) == 176, "gso_size");
_Static_assert(__builtin_offsetof(struct __sk_buff, tstamp_type) == 180, "tstamp_type");
_Static_assert(__builtin_offsetof(struct __sk_buff, hwtstamp) == 184, "hwtstamp");
_Static_assert(sizeof(struct __sk_buff) == 192, "struct __sk_buff is 192 bytes");

/* tc verdicts (include/uapi/linux/pkt_cls.h). */
#define TC_ACT_UNSPEC (-1)
#define TC_ACT_OK 0
#define TC_ACT_RECLASSIFY 1
#define TC_ACT_SHOT 2
#define TC_ACT_PIPE 3
#define TC_ACT_STOLEN 4
#define TC_ACT_QUEUED 5
#define TC_ACT_REPEAT 6
#define TC_ACT_REDIRECT 7

/* Ethernet types (include/uapi/linux/if_ether.h), host order. */
#define ETH_HLEN 14
#define ETH_ALEN 6
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_IPV6 0x86DD

/* IP protocol numbers (include/uapi/linux/in.h). */
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58

/* Byte order: the BPF target is little-endian, the wire is big-endian. */
#define bpf_htons(x) ((__be16)__builtin_bswap16(x))
#define bpf_ntohs(x) ((__u16)__builtin_bswap16(x))
#define bpf_htonl(x) ((__be32)__builtin_bswap32(x))
#define bpf_ntohl(x) ((__u32)__builtin_bswap32(x))

/* Wire headers (include/uapi/linux/if_ether.h, ip.h, tcp.h, udp.h, icmp.h). */
struct ethhdr {
	__u8 h_dest[ETH_ALEN];
	__u8 h_source[ETH_ALEN];
	__be16 h_proto;
} __attribute__((packed));

struct iphdr {
	__u8 ihl : 4, version : 4;
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__u16 check;
	__be32 saddr;
	__be32 daddr;
};

struct tcphdr {
	__be16 source;
	__be16 dest;
	__be32 seq;
	__be32 ack_seq;
	__u16 res1 : 4, doff : 4, fin : 1, syn : 1, rst : 1, psh : 1, ack : 1, urg : 1, ece : 1, cwr : 1;
	__be16 window;
	__u16 check;
	__be16 urg_ptr;
};

struct udphdr {
	__be16 source;
	__be16 dest;
	__be16 len;
	__u16 check;
};

struct icmphdr {
	__u8 type;
	__u8 code;
	__u16 checksum;
	__be32 rest;
};

/* Helpers, declared by id like libbpf's bpf_helper_defs.h: the call instruction carries
 * the id; the kernel (or skbpf) binds it. */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static long (*bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *)6;
static __u32 (*bpf_get_prandom_u32)(void) = (void *)7;
static long (*bpf_skb_store_bytes)(struct __sk_buff *skb, __u32 offset, const void *from, __u32 len, __u64 flags) = (void *)9;
static long (*bpf_l3_csum_replace)(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, __u64 size) = (void *)10;
static long (*bpf_l4_csum_replace)(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, __u64 flags) = (void *)11;
static long (*bpf_redirect)(__u32 ifindex, __u64 flags) = (void *)23;
static long (*bpf_skb_load_bytes)(const void *skb, __u32 offset, void *to, __u32 len) = (void *)26;
static __u32 (*bpf_get_hash_recalc)(struct __sk_buff *skb) = (void *)34;

#endif /* SKBPF_H */
