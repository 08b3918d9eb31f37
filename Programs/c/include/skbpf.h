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
/* The socket a packet belongs to, read-only (skb->sk, bpf_sk_fullsock): uapi/linux/bpf.h. Through
 * skb->sk (a "sock_common") type, protocol, mark and priority are not readable; through
 * bpf_sk_fullsock's result they are. */
struct bpf_sock {
	__u32 bound_dev_if;
	__u32 family;
	__u32 type;
	__u32 protocol;
	__u32 mark;
	__u32 priority;
	__u32 src_ip4;
	__u32 src_ip6[4];
	__u32 src_port;		/* host byte order */
	__be16 dst_port;	/* network byte order */
	__u16 :16;
	__u32 dst_ip4;
	__u32 dst_ip6[4];
	__u32 state;
	__s32 rx_queue_mapping;
};

/* A TCP socket's state (bpf_tcp_sock). */
struct bpf_tcp_sock {
	__u32 snd_cwnd;
	__u32 srtt_us;
	__u32 rtt_min;
	__u32 snd_ssthresh;
	__u32 rcv_nxt;
	__u32 snd_nxt;
	__u32 snd_una;
	__u32 mss_cache;
	__u32 ecn_flags;
	__u32 rate_delivered;
	__u32 rate_interval_us;
	__u32 packets_out;
	__u32 retrans_out;
	__u32 total_retrans;
	__u32 segs_in;
	__u32 data_segs_in;
	__u32 segs_out;
	__u32 data_segs_out;
	__u32 lost_out;
	__u32 sacked_out;
	__u64 bytes_received;
	__u64 bytes_acked;
	__u32 dsack_dups;
	__u32 delivered;
	__u32 delivered_ce;
	__u32 icsk_retransmits;
};

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
	union { struct bpf_sock *sk; __u64 :64; } __attribute__((aligned(8)));
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

/* 802.1Q / 802.1ad tag as it sits in the frame after the two MAC addresses
 * (include/linux/if_vlan.h): the TCI, then the encapsulated EtherType. */
struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};
#define ETH_P_8021AD 0x88A8
#define VLAN_HLEN 4
#define VLAN_VID_MASK 0x0fff
#define VLAN_PRIO_SHIFT 13

/* include/uapi/linux/in6.h, ipv6.h, icmpv6.h */
struct in6_addr {
	union {
		__u8 u6_addr8[16];
		__be16 u6_addr16[8];
		__be32 u6_addr32[4];
	} in6_u;
};

struct ipv6hdr {
	__u8 priority : 4, version : 4;
	__u8 flow_lbl[3];
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	struct in6_addr saddr;
	struct in6_addr daddr;
};

struct icmp6hdr {
	__u8 icmp6_type;
	__u8 icmp6_code;
	__u16 icmp6_cksum;
	__be32 icmp6_dataun;
};

#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8
#define ICMPV6_ECHO_REQUEST 128
#define ICMPV6_ECHO_REPLY 129

#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

_Static_assert(sizeof(struct ethhdr) == 14, "ethhdr");
_Static_assert(sizeof(struct iphdr) == 20, "iphdr");
_Static_assert(sizeof(struct ipv6hdr) == 40, "ipv6hdr");
_Static_assert(sizeof(struct tcphdr) == 20, "tcphdr");
_Static_assert(sizeof(struct udphdr) == 8, "udphdr");
_Static_assert(sizeof(struct icmphdr) == 8, "icmphdr");
_Static_assert(sizeof(struct icmp6hdr) == 8, "icmp6hdr");

/* ---- Maps -------------------------------------------------------------------------------
 * BTF-defined map declarations in libbpf's style: the map is a global variable in the
 * ".maps" section whose *type* describes it. Numbers travel as array sizes of pointed-to
 * arrays (`int (*type)[BPF_MAP_TYPE_HASH]`), key and value types as pointer targets, so a
 * loader reads everything back from BTF; the variable itself holds nothing but zeros,
 * except `__array(values, ...)` initialisers, which become relocations in ".rel.maps". */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]

/* enum bpf_map_type (include/uapi/linux/bpf.h). */
enum {
	BPF_MAP_TYPE_UNSPEC = 0,
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PROG_ARRAY = 3,
	BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPF_MAP_TYPE_LPM_TRIE = 11,
	BPF_MAP_TYPE_RINGBUF = 27,
};

/* Legacy map definitions (section "maps"), as older loaders (iproute2, bcc) read them. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

/* bpf_map_update_elem flags. */
#define BPF_ANY 0
#define BPF_NOEXIST 1
#define BPF_EXIST 2
#define BPF_F_LOCK 4

/* map_flags at creation. */
#define BPF_F_NO_PREALLOC (1U << 0)
#define BPF_F_RDONLY_PROG (1U << 7)
#define BPF_F_WRONLY_PROG (1U << 8)

/* ---- Helper flags (include/uapi/linux/bpf.h) ---------------------------------------- */
/* bpf_skb_store_bytes */
#define BPF_F_RECOMPUTE_CSUM (1ULL << 0)
#define BPF_F_INVALIDATE_HASH (1ULL << 1)
/* bpf_l3_csum_replace / bpf_l4_csum_replace: the low 4 bits give the size of the field
 * that changed (2 or 4; 0 = `to` is already a checksum difference). */
#define BPF_F_HDR_FIELD_MASK 0xfULL
#define BPF_F_PSEUDO_HDR (1ULL << 4)
#define BPF_F_MARK_MANGLED_0 (1ULL << 5)
#define BPF_F_MARK_ENFORCE (1ULL << 6)
#define BPF_F_IPV6 (1ULL << 7)
/* bpf_redirect, bpf_clone_redirect */
#define BPF_F_INGRESS (1ULL << 0)
/* bpf_perf_event_output */
#define BPF_F_INDEX_MASK 0xffffffffULL
#define BPF_F_CURRENT_CPU BPF_F_INDEX_MASK
#define BPF_F_CTXLEN_MASK (0xfffffULL << 32)
/* bpf_skb_adjust_room: modes and flags */
#define BPF_ADJ_ROOM_NET 0
#define BPF_ADJ_ROOM_MAC 1
#define BPF_F_ADJ_ROOM_FIXED_GSO (1ULL << 0)
#define BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 (1ULL << 1)
#define BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 (1ULL << 2)
#define BPF_F_ADJ_ROOM_ENCAP_L4_GRE (1ULL << 3)
#define BPF_F_ADJ_ROOM_ENCAP_L4_UDP (1ULL << 4)
#define BPF_F_ADJ_ROOM_NO_CSUM_RESET (1ULL << 5)
#define BPF_F_ADJ_ROOM_ENCAP_L2_ETH (1ULL << 6)
#define BPF_F_ADJ_ROOM_ENCAP_L2(len) (((__u64)(len) & 0xff) << 56)
/* bpf_ringbuf_output / submit / discard */
#define BPF_RB_NO_WAKEUP (1ULL << 0)
#define BPF_RB_FORCE_WAKEUP (1ULL << 1)
/* bpf_ringbuf_query */
#define BPF_RB_AVAIL_DATA 0
#define BPF_RB_RING_SIZE 1
#define BPF_RB_CONS_POS 2
#define BPF_RB_PROD_POS 3

/* skb->pkt_type values (include/uapi/linux/if_packet.h). */
#define PACKET_HOST 0
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3
#define PACKET_OUTGOING 4

/* ---- Helpers ----------------------------------------------------------------------------
 * Declared by id like libbpf's bpf_helper_defs.h: a call through one of these pointers
 * compiles to `call <id>`, which the kernel (or skbpf) binds to the helper. Ids are the
 * positions in the kernel's __BPF_FUNC_MAPPER. */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static long (*bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *)6;
static __u32 (*bpf_get_prandom_u32)(void) = (void *)7;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *)8;
static long (*bpf_skb_store_bytes)(struct __sk_buff *skb, __u32 offset, const void *from, __u32 len, __u64 flags) = (void *)9;
static long (*bpf_l3_csum_replace)(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, __u64 size) = (void *)10;
static long (*bpf_l4_csum_replace)(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, __u64 flags) = (void *)11;
static long (*bpf_tail_call)(void *ctx, void *prog_array_map, __u32 index) = (void *)12;
static long (*bpf_clone_redirect)(struct __sk_buff *skb, __u32 ifindex, __u64 flags) = (void *)13;
static long (*bpf_skb_vlan_push)(struct __sk_buff *skb, __be16 vlan_proto, __u16 vlan_tci) = (void *)18;
static long (*bpf_skb_vlan_pop)(struct __sk_buff *skb) = (void *)19;
static long (*bpf_redirect)(__u32 ifindex, __u64 flags) = (void *)23;
static long (*bpf_perf_event_output)(void *ctx, void *map, __u64 flags, void *data, __u64 size) = (void *)25;
static long (*bpf_skb_load_bytes)(const void *skb, __u32 offset, void *to, __u32 len) = (void *)26;
static __s64 (*bpf_csum_diff)(__be32 *from, __u32 from_size, __be32 *to, __u32 to_size, __u32 seed) = (void *)28;
static long (*bpf_skb_change_proto)(struct __sk_buff *skb, __be16 proto, __u64 flags) = (void *)31;
static long (*bpf_skb_change_type)(struct __sk_buff *skb, __u32 type) = (void *)32;
static __u32 (*bpf_get_hash_recalc)(struct __sk_buff *skb) = (void *)34;
static long (*bpf_skb_change_tail)(struct __sk_buff *skb, __u32 len, __u64 flags) = (void *)38;
static long (*bpf_skb_pull_data)(struct __sk_buff *skb, __u32 len) = (void *)39;
static long (*bpf_skb_change_head)(struct __sk_buff *skb, __u32 len, __u64 flags) = (void *)43;
static long (*bpf_set_hash)(struct __sk_buff *skb, __u32 hash) = (void *)48;
static long (*bpf_skb_adjust_room)(struct __sk_buff *skb, __s32 len_diff, __u32 mode, __u64 flags) = (void *)50;
static struct bpf_sock *(*bpf_sk_fullsock)(struct bpf_sock *sk) = (void *)95;
static struct bpf_tcp_sock *(*bpf_tcp_sock)(struct bpf_sock *sk) = (void *)96;
static struct bpf_sock *(*bpf_get_listener_sock)(struct bpf_sock *sk) = (void *)98;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, __u64 size, __u64 flags) = (void *)130;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *)131;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) = (void *)132;
static void (*bpf_ringbuf_discard)(void *data, __u64 flags) = (void *)133;
static __u64 (*bpf_ringbuf_query)(void *ringbuf, __u64 flags) = (void *)134;

/* Classic packet loads (BPF_LD | BPF_ABS/BPF_IND): LLVM intrinsics that compile to the
 * legacy instructions. They read relative to skb->data, return the value in host order,
 * and end the program with return 0 when the offset is out of range. Socket filters and tc
 * programs may use them; they exist for cBPF-era code. */
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

/* ---- Small tools --------------------------------------------------------------------- */
#ifndef NULL
#define NULL ((void *)0)
#endif
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define offsetof(type, member) __builtin_offsetof(type, member)

/* Fold a 32-bit one's-complement sum into the 16-bit Internet checksum field value. */
static __always_inline __u16 csum_fold32(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}


/* Where the network header starts, for programs that run both at a tc hook of an Ethernet
 * device (data at the MAC header: 14) and on an L3 device or at an L3 hook (a TUN device, or
 * prerouting…postrouting in skbpf: data at the IP header, 0). __sk_buff has no mac_len, so the
 * packet decides: an IP header at data whose version matches skb->protocol and whose length
 * field is the packet's own, else an Ethernet header carrying skb->protocol; -1 for neither. */
static __always_inline int network_offset(struct __sk_buff *skb)
{
	__u8 *p = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 protocol = skb->protocol;
	__u32 len = skb->len;

	if ((void *)(p + 6) > data_end)
		return -1;
	__u32 version = p[0] >> 4;
	if (protocol == bpf_htons(ETH_P_IP) && version == 4 && ((__u32)p[2] << 8 | p[3]) == len)
		return 0;
	if (protocol == bpf_htons(ETH_P_IPV6) && version == 6 && ((__u32)p[4] << 8 | p[5]) + 40 == len)
		return 0;
	if ((void *)(p + ETH_HLEN) > data_end)
		return -1;
	if (*(__be16 *)(p + 12) == protocol)
		return ETH_HLEN;
	return -1;
}

#endif /* SKBPF_H */
