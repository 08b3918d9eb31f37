// The LRU of LRU hash maps: kernel/bpf/bpf_lru_list.c, step for step, so that a program run on
// worker N evicts exactly the elements the kernel evicts on CPU N.
//
// The kernel's LRU is not a strict LRU. Each element (node) sits on one list:
//
//   global (common LRU)             per CPU (local)
//   +---------+----------+------+   +------+---------+
//   | active  | inactive | free |   | free | pending |   new elements wait on their CPU's pending
//   +---------+----------+------+   +------+---------+   list until the next refill flushes them
//                                                         to the global active/inactive lists
//
// A program's lookup sets the node's reference bit. When a CPU runs out of local free nodes it
// flushes its pending list, rotates the global lists (second chance: referenced nodes move to the
// active list, unreferenced active nodes to the inactive one) and takes `target_free` nodes from
// the global free list — evicting unreferenced inactive nodes from the tail if there are too few,
// so a full map loses up to `target_free` = clamp(max_entries / CPUs / 2, 1, 128) elements at once.
// With BPF_F_NO_COMMON_LRU each CPU has its own active/inactive/free lists instead.
//
// Lists are the kernel's circular doubly linked lists over indices: nodes 0..<n are the map's
// elements, the indices after them are the list heads, so the iteration and "next inactive
// rotation" cursor semantics port one to one.

/// A node's list (`enum bpf_lru_list_type`).
enum LRUListType: UInt8 {
    case active = 0, inactive = 1, free = 2, localFree = 3, localPending = 4
}

/// `struct bpf_lru_node` without its links.
struct LRUNode {
    var type: UInt8 = LRUListType.free.rawValue
    var ref: UInt8 = 0
    var cpu: UInt16 = 0
}

/// `struct list_head` as indices.
struct LRULink {
    var prev: Int32
    var next: Int32
}

/// `struct bpf_lru_list`: three list heads (at `base + type`), the counts of the active and
/// inactive lists, and where the next inactive rotation starts.
struct LRUList {
    var base: Int32
    var activeCount = 0
    var inactiveCount = 0
    var nextInactiveRotation: Int32
}

/// `struct bpf_lru_locallist`: a CPU's free and pending list heads.
struct LRULocal {
    var freeHead: Int32
    var pendingHead: Int32
    var nextSteal: Int
}

/// The LRU lists of an LRU hash map (empty for other hash maps).
struct LRUState {
    /// `LOCAL_FREE_TARGET`, `PERCPU_FREE_TARGET` and the matching scan limits.
    static let localFreeTarget = 128
    static let perCPUFreeTarget = 4

    let isPerCPU: Bool
    let cpuCount: Int
    let nodes: UnsafeMutablePointer<LRUNode>
    let links: UnsafeMutablePointer<LRULink>
    /// One list (common LRU) or one per CPU (`BPF_F_NO_COMMON_LRU`).
    let lists: UnsafeMutablePointer<LRUList>
    /// One per CPU (common LRU only).
    let locals: UnsafeMutablePointer<LRULocal>
    /// `lru->target_free`: nodes a CPU takes from the global lists at once.
    let targetFree: Int
    /// `lru->nr_scans`.
    let scanLimit: Int

    /// `bpf_lru_init()` + `bpf_lru_populate()`: every node on the (global or its CPU's) free list.
    init(elementCount n: Int, cpuCount: Int, isPerCPU: Bool) {
        self.isPerCPU = isPerCPU
        self.cpuCount = cpuCount
        let listCount = isPerCPU ? cpuCount : 1
        let localCount = isPerCPU ? 0 : cpuCount
        let headCount = 3 * listCount + 2 * localCount
        nodes = MapMemory.allocate(LRUNode.self, count: n, repeating: LRUNode())
        links = MapMemory.allocate(LRULink.self, count: n + headCount, repeating: LRULink(prev: 0, next: 0))
        lists = MapMemory.allocate(LRUList.self, count: listCount,
                                   repeating: LRUList(base: 0, nextInactiveRotation: 0))
        locals = MapMemory.allocate(LRULocal.self, count: localCount,
                                    repeating: LRULocal(freeHead: 0, pendingHead: 0, nextSteal: 0))
        for h in n..<(n + headCount) { links[h] = LRULink(prev: Int32(h), next: Int32(h)) }
        for l in 0..<listCount {
            let base = Int32(n + 3 * l)
            lists[l] = LRUList(base: base, nextInactiveRotation: base + Int32(LRUListType.inactive.rawValue))
        }
        for c in 0..<localCount {
            let base = Int32(n + 3 * listCount + 2 * c)
            locals[c] = LRULocal(freeHead: base, pendingHead: base + 1, nextSteal: c)
        }
        if isPerCPU {
            scanLimit = Self.perCPUFreeTarget
            targetFree = 0
            // bpf_percpu_lru_populate(): n / cpus consecutive nodes per CPU.
            let perCPU = max(n / cpuCount, 1)
            for i in 0..<n {
                let cpu = min(i / perCPU, cpuCount - 1)
                nodes[i].cpu = UInt16(cpu)
                add(Int32(i), after: lists[cpu].base + Int32(LRUListType.free.rawValue))
            }
        } else {
            scanLimit = Self.localFreeTarget
            targetFree = min(max(n / cpuCount / 2, 1), Self.localFreeTarget)
            for i in 0..<n { add(Int32(i), after: lists[0].base + Int32(LRUListType.free.rawValue)) }
        }
    }

    func deallocate() {
        nodes.deallocate()
        links.deallocate()
        lists.deallocate()
        locals.deallocate()
    }

    // MARK: list_head operations

    @inline(__always) func next(_ i: Int32) -> Int32 { links[Int(i)].next }
    @inline(__always) func prev(_ i: Int32) -> Int32 { links[Int(i)].prev }
    @inline(__always) func isEmpty(_ head: Int32) -> Bool { links[Int(head)].next == head }

    /// `list_add()`: insert `n` right after `head`.
    @inline(__always)
    func add(_ n: Int32, after head: Int32) {
        let following = links[Int(head)].next
        links[Int(n)] = LRULink(prev: head, next: following)
        links[Int(following)].prev = n
        links[Int(head)].next = n
    }

    /// `list_del()`.
    @inline(__always)
    func remove(_ n: Int32) {
        let link = links[Int(n)]
        links[Int(link.prev)].next = link.next
        links[Int(link.next)].prev = link.prev
    }

    /// `list_move()`.
    @inline(__always)
    func move(_ n: Int32, to head: Int32) {
        remove(n)
        add(n, after: head)
    }

    @inline(__always)
    func head(_ l: Int, _ type: LRUListType) -> Int32 { lists[l].base + Int32(type.rawValue) }

    @inline(__always)
    func isReferenced(_ n: Int32) -> Bool { nodes[Int(n)].ref != 0 }

    func countIncrement(_ l: Int, _ type: UInt8) {
        if type == LRUListType.active.rawValue { lists[l].activeCount += 1 }
        if type == LRUListType.inactive.rawValue { lists[l].inactiveCount += 1 }
    }

    func countDecrement(_ l: Int, _ type: UInt8) {
        if type == LRUListType.active.rawValue { lists[l].activeCount -= 1 }
        if type == LRUListType.inactive.rawValue { lists[l].inactiveCount -= 1 }
    }

    // MARK: node moves

    /// `__bpf_lru_node_move_to_free()`.
    func moveToFree(_ l: Int, _ n: Int32, freeHead: Int32, type: LRUListType) {
        if n == lists[l].nextInactiveRotation { lists[l].nextInactiveRotation = prev(n) }
        countDecrement(l, nodes[Int(n)].type)
        nodes[Int(n)].type = type.rawValue
        move(n, to: freeHead)
    }

    /// `__bpf_lru_node_move_in()`: from a local list onto a global one.
    func moveIn(_ l: Int, _ n: Int32, to type: LRUListType) {
        countIncrement(l, type.rawValue)
        nodes[Int(n)].type = type.rawValue
        nodes[Int(n)].ref = 0
        move(n, to: head(l, type))
    }

    /// `__bpf_lru_node_move()`: between or within the active, inactive and free lists.
    func moveNode(_ l: Int, _ n: Int32, to type: LRUListType) {
        if nodes[Int(n)].type != type.rawValue {
            countDecrement(l, nodes[Int(n)].type)
            countIncrement(l, type.rawValue)
            nodes[Int(n)].type = type.rawValue
        }
        nodes[Int(n)].ref = 0
        if n == lists[l].nextInactiveRotation { lists[l].nextInactiveRotation = prev(n) }
        move(n, to: head(l, type))
    }

    // MARK: rotation

    /// `__bpf_lru_list_rotate_active()`: from the tail, referenced nodes go back to the head of the
    /// active list, the others to the inactive list; at most `scanLimit` nodes.
    func rotateActive(_ l: Int) {
        let active = head(l, .active)
        let first = next(active)
        var node = prev(active)
        var scanned = 0
        while node != active {
            let before = prev(node)
            moveNode(l, node, to: isReferenced(node) ? .active : .inactive)
            scanned += 1
            if scanned == scanLimit || node == first { break }
            node = before
        }
    }

    /// `__bpf_lru_list_rotate_inactive()`: from the rotation cursor towards the head, referenced
    /// nodes move to the active list; the cursor remembers where the scan stopped.
    func rotateInactive(_ l: Int) {
        let inactive = head(l, .inactive)
        if isEmpty(inactive) { return }
        var last = next(lists[l].nextInactiveRotation)
        if last == inactive { last = next(last) }
        var current = lists[l].nextInactiveRotation
        var following = inactive
        var scanned = 0
        while scanned < scanLimit {
            if current == inactive {
                current = prev(current)
                continue
            }
            following = prev(current)
            if isReferenced(current) { moveNode(l, current, to: .active) }
            if current == last { break }
            current = following
            scanned += 1
        }
        lists[l].nextInactiveRotation = following
    }

    /// `__bpf_lru_list_rotate()`.
    func rotate(_ l: Int) {
        if lists[l].inactiveCount < lists[l].activeCount { rotateActive(l) }
        rotateInactive(l)
    }
}

extension HashMap {
    /// `htab_lru_map_delete_node()`: an evicted node leaves its bucket.
    func evict(_ n: Int32) -> Bool {
        guard unlink(n) else { return false }
        state.pointee.count -= 1
        return true
    }

    /// `__bpf_lru_list_shrink_inactive()`: from the inactive tail, referenced nodes get a second
    /// chance on the active list, unreferenced ones are evicted onto `freeHead`.
    func shrinkInactive(_ l: Int, target: Int, freeHead: Int32, type: LRUListType) -> Int {
        let inactive = lru.head(l, .inactive)
        var shrunk = 0
        var scanned = 0
        var node = lru.prev(inactive)
        while node != inactive {
            let before = lru.prev(node)
            if lru.isReferenced(node) {
                lru.moveNode(l, node, to: .active)
            } else if evict(node) {
                lru.moveToFree(l, node, freeHead: freeHead, type: type)
                shrunk += 1
                if shrunk == target { break }
            }
            scanned += 1
            if scanned == lru.scanLimit { break }
            node = before
        }
        return shrunk
    }

    /// `__bpf_lru_list_shrink()`: if nothing unreferenced was found, evict one node from the tail
    /// of the inactive list (the active list if that is empty) regardless of its reference bit.
    @discardableResult
    func shrink(_ l: Int, target: Int, freeHead: Int32, type: LRUListType) -> Int {
        let shrunk = shrinkInactive(l, target: target, freeHead: freeHead, type: type)
        if shrunk > 0 { return shrunk }
        let inactive = lru.head(l, .inactive)
        let forced = lru.isEmpty(inactive) ? lru.head(l, .active) : inactive
        var node = lru.prev(forced)
        while node != forced {
            let before = lru.prev(node)
            if evict(node) {
                lru.moveToFree(l, node, freeHead: freeHead, type: type)
                return 1
            }
            node = before
        }
        return 0
    }

    /// `__local_list_flush()`: a CPU's pending nodes join the global lists, oldest first.
    func flushLocal(_ cpu: Int) {
        let pending = lru.locals[cpu].pendingHead
        var node = lru.prev(pending)
        while node != pending {
            let before = lru.prev(node)
            lru.moveIn(0, node, to: lru.isReferenced(node) ? .active : .inactive)
            node = before
        }
    }

    /// `bpf_lru_list_pop_free_to_local()`.
    func refillLocal(_ cpu: Int) {
        flushLocal(cpu)
        lru.rotate(0)
        let free = lru.head(0, .free)
        let localFree = lru.locals[cpu].freeHead
        var taken = 0
        var node = lru.next(free)
        while node != free {
            let after = lru.next(node)
            lru.moveToFree(0, node, freeHead: localFree, type: .localFree)
            taken += 1
            if taken == lru.targetFree { break }
            node = after
        }
        if taken < lru.targetFree {
            shrink(0, target: lru.targetFree - taken, freeHead: localFree, type: .localFree)
        }
    }

    /// `__local_list_add_pending()`.
    func addPending(_ cpu: Int, _ n: Int32, hash: UInt32) {
        hashes[Int(n)] = hash
        lru.nodes[Int(n)].cpu = UInt16(cpu)
        lru.nodes[Int(n)].type = LRUListType.localPending.rawValue
        lru.nodes[Int(n)].ref = 0
        lru.add(n, after: lru.locals[cpu].pendingHead)
    }

    /// `__local_list_pop_free()`.
    func popLocalFree(_ cpu: Int) -> Int32 {
        let free = lru.locals[cpu].freeHead
        let node = lru.next(free)
        if node == free { return -1 }
        lru.remove(node)
        return node
    }

    /// `__local_list_pop_pending()`: steal another CPU's pending element, unreferenced ones first.
    func popLocalPending(_ cpu: Int) -> Int32 {
        let pending = lru.locals[cpu].pendingHead
        for pass in 0..<2 {
            let force = pass == 1
            var node = lru.prev(pending)
            while node != pending {
                if (!lru.isReferenced(node) || force) && evict(node) {
                    lru.remove(node)
                    return node
                }
                node = lru.prev(node)
            }
        }
        return -1
    }

    /// `bpf_lru_pop_free()`: a free node for a new element of hash `hash`, on `cpu`; -1 if none
    /// could be had (the update then fails with `-ENOMEM`).
    func lruPopFree(hash: UInt32, cpu: Int) -> Int32 {
        checkCPU(cpu)
        return lru.isPerCPU ? perCPUPopFree(hash: hash, cpu: cpu) : commonPopFree(hash: hash, cpu: cpu)
    }

    /// `bpf_percpu_lru_pop_free()`.
    func perCPUPopFree(hash: UInt32, cpu: Int) -> Int32 {
        lru.rotate(cpu)
        let free = lru.head(cpu, .free)
        if lru.isEmpty(free) { shrink(cpu, target: LRUState.perCPUFreeTarget, freeHead: free, type: .free) }
        if lru.isEmpty(free) { return -1 }
        let node = lru.next(free)
        hashes[Int(node)] = hash
        lru.nodes[Int(node)].ref = 0
        lru.moveNode(cpu, node, to: .inactive)
        return node
    }

    /// `bpf_common_lru_pop_free()`: the CPU's local free list, refilled from the global lists when
    /// empty, else a node stolen from some CPU's local lists, round robin.
    func commonPopFree(hash: UInt32, cpu: Int) -> Int32 {
        var node = popLocalFree(cpu)
        if node < 0 {
            refillLocal(cpu)
            node = popLocalFree(cpu)
        }
        if node >= 0 {
            addPending(cpu, node, hash: hash)
            return node
        }
        let firstSteal = lru.locals[cpu].nextSteal
        var steal = firstSteal
        repeat {
            node = popLocalFree(steal)
            if node < 0 { node = popLocalPending(steal) }
            steal = (steal + 1) % lru.cpuCount
        } while node < 0 && steal != firstSteal
        lru.locals[cpu].nextSteal = steal
        if node >= 0 { addPending(cpu, node, hash: hash) }
        return node
    }

    /// `bpf_lru_push_free()`: a deleted or replaced element's node goes back to a free list — its
    /// CPU's local one if it was still pending, else the global (or its CPU's) free list.
    func lruPushFree(_ n: Int32) {
        let node = lru.nodes[Int(n)]
        if lru.isPerCPU {
            lru.moveNode(Int(node.cpu), n, to: .free)
            return
        }
        if node.type == LRUListType.free.rawValue || node.type == LRUListType.localFree.rawValue { return }
        if node.type == LRUListType.localPending.rawValue {
            lru.nodes[Int(n)].type = LRUListType.localFree.rawValue
            lru.nodes[Int(n)].ref = 0
            lru.move(n, to: lru.locals[Int(node.cpu)].freeHead)
            return
        }
        lru.moveNode(0, n, to: .free)
    }
}
