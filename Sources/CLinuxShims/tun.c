// Attaching to a TUN device that lives in another network namespace.
//
// The namespace /dev/net/tun resolves a device name in is the one current when the file is
// opened, and setns(2) changes only the calling thread's namespace. So the open happens on a
// short-lived thread of its own: it enters the namespace, checks that the device exists there
// (TUNSETIFF on a missing name silently creates a fresh, unrouted device), opens and attaches,
// and ends. The thread that called never leaves its namespace, whatever the runtime's threads do.
#define _GNU_SOURCE
#include "CLinuxShims.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    const char *name;
    const char *netns_path;
    int flags;
    int allow_create;
    int mtu;
    skbpf_tun_result result;
} open_request;

static void fail(open_request *request, const char *step, int error) {
    request->result.step = step;
    request->result.error = error;
}

// Sets MTU and IFF_UP on a device this thread's namespace holds.
static int bring_up(const char *name, int mtu) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    int error = 0;
    if (mtu > 0) {
        ifr.ifr_mtu = mtu;
        if (ioctl(s, SIOCSIFMTU, &ifr) < 0) error = errno;
    }
    if (!error && ioctl(s, SIOCGIFFLAGS, &ifr) < 0) error = errno;
    if (!error) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) error = errno;
    }
    close(s);
    return error;
}

static void attach_here(open_request *request) {
    unsigned index = if_nametoindex(request->name);
    if (index == 0 && !request->allow_create) {
        fail(request, "find the device (it does not exist in that namespace; create: true would create it)", ENODEV);
        return;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        fail(request, "open /dev/net/tun", errno);
        return;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, request->name, IFNAMSIZ - 1);
    ifr.ifr_flags = (short)request->flags;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        fail(request, "TUNSETIFF (a multi-queue device needs queues > 0, a single-queue one queues: 1; or busy)", errno);
        close(fd);
        return;
    }
    if (index == 0) {
        request->result.created = 1;
        int error = bring_up(request->name, request->mtu);
        if (error) {
            fail(request, "bring the created device up (SIOCSIFMTU/SIOCSIFFLAGS)", error);
            close(fd);
            return;
        }
        index = if_nametoindex(request->name);
    }
    request->result.fd = fd;
    request->result.ifindex = (int)index;
}

static void *open_in_namespace(void *argument) {
    open_request *request = argument;
    if (!request->netns_path) {
        attach_here(request);
        return NULL;
    }
    int target = open(request->netns_path, O_RDONLY | O_CLOEXEC);
    if (target < 0) {
        fail(request, "open the network namespace", errno);
        return NULL;
    }
    int original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (original < 0) {
        fail(request, "open /proc/thread-self/ns/net", errno);
        close(target);
        return NULL;
    }
    // This thread only: its namespace goes with it when it ends.
    if (setns(target, CLONE_NEWNET) < 0) {
        fail(request, "setns into the network namespace", errno);
    } else {
        attach_here(request);
        (void)setns(original, CLONE_NEWNET);
    }
    close(original);
    close(target);
    return NULL;
}

skbpf_tun_result skbpf_tun_open(const char *name, const char *netns_path, int flags, int allow_create, int mtu) {
    open_request request = {name, netns_path, flags, allow_create, mtu, {-1, 0, NULL, 0, 0}};
    if (strlen(name) >= IFNAMSIZ) {
        fail(&request, "check the name (at most 15 characters)", EINVAL);
        return request.result;
    }
    pthread_t thread;
    int error = pthread_create(&thread, NULL, open_in_namespace, &request);
    if (error) {
        fail(&request, "start the namespace thread", error);
        return request.result;
    }
    pthread_join(thread, NULL);
    return request.result;
}

int skbpf_tun_set_offload(int fd, unsigned int offload) {
    return ioctl(fd, TUNSETOFFLOAD, (unsigned long)offload) < 0 ? -errno : 0;
}

int skbpf_tun_set_vnet_header_size(int fd, int size) {
    return ioctl(fd, TUNSETVNETHDRSZ, &size) < 0 ? -errno : 0;
}

int skbpf_tun_get_flags(int fd) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    return ioctl(fd, TUNGETIFF, &ifr) < 0 ? -errno : (int)(unsigned short)ifr.ifr_flags;
}
