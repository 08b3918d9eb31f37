// Linux calls Swift cannot spell: TUN ioctls (macros built with _IOW), struct ifreq, and opening
// a device from inside another network namespace. See tun.c for the netns procedure and why it
// runs on its own thread.
#ifndef SKBPF_CLINUXSHIMS_H
#define SKBPF_CLINUXSHIMS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// IFF_* flags TUNSETIFF takes (linux/if_tun.h).
enum {
    SKBPF_IFF_TUN = 0x0001,
    SKBPF_IFF_NO_PI = 0x1000,
    SKBPF_IFF_VNET_HDR = 0x4000,
    SKBPF_IFF_MULTI_QUEUE = 0x0100,
};

/// TUN_F_* offload flags TUNSETOFFLOAD takes.
enum {
    SKBPF_TUN_F_CSUM = 0x01,
    SKBPF_TUN_F_TSO4 = 0x02,
    SKBPF_TUN_F_TSO6 = 0x04,
    SKBPF_TUN_F_TSO_ECN = 0x08,
    SKBPF_TUN_F_UFO = 0x10,
    SKBPF_TUN_F_USO4 = 0x20,
    SKBPF_TUN_F_USO6 = 0x40,
};

/// What skbpf_tun_open did, and on failure which step failed (a static string) and errno.
typedef struct {
    int fd;                 ///< the attached descriptor, or -1
    int error;              ///< errno of the failed step, 0 on success
    const char *step;       ///< the failed step ("open netns", "setns", "TUNSETIFF", …), or NULL
    int created;            ///< 1 when TUNSETIFF created the device (it did not exist)
    int ifindex;            ///< the device's index in its namespace
} skbpf_tun_result;

/// Opens /dev/net/tun from inside network namespace `netns_path` (NULL: the caller's own) and
/// attaches it to `name` with `flags` (IFF_*). A missing device is an error (ENODEV) unless
/// `allow_create`; a created one gets `mtu` (when > 0) and is brought up. The descriptor is
/// non-blocking and close-on-exec.
skbpf_tun_result skbpf_tun_open(const char *name, const char *netns_path, int flags, int allow_create, int mtu);

/// TUNSETOFFLOAD; 0 or -errno.
int skbpf_tun_set_offload(int fd, unsigned int offload);

/// TUNSETVNETHDRSZ; 0 or -errno.
int skbpf_tun_set_vnet_header_size(int fd, int size);

/// The flags the descriptor is attached with (TUNGETIFF), or -errno.
int skbpf_tun_get_flags(int fd);

#ifdef __cplusplus
}
#endif
#endif
