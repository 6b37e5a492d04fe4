"""Best-fit carving with Python's ipaddress module: the peer of cdktf-calico-ipam's carver.

The same algorithm as ours, written the way a Python user would with the standard library: the free
space of the address space is cut into maximal aligned networks (ipaddress.summarize_address_range),
kept in one heap per prefix length (heapq orders networks by address); each request, largest first
and then by name, pops the lowest network of the longest prefix <= its own that has one, and pushes
back the upper halves it does not need (network.subnets()). Mode "naive" is the best fit one writes
without that structure: a scan of every free network per request. Parsing the reservation texts is part of
the timed work, as it is on our side.
"""
import heapq
import ipaddress

from common import args, report, time_runs


def carve(workload, requests):
    space = ipaddress.ip_network(workload["space"])
    bits = space.max_prefixlen
    used = sorted(
        (n for n in map(ipaddress.ip_network, workload["reservations"]) if n.overlaps(space)),
        key=lambda n: (n.network_address, n.prefixlen),
    )
    heaps = [[] for _ in range(bits + 1)]

    def add_run(first, last):
        # summarize_address_range yields the maximal aligned networks in ascending order, so every
        # per-prefix list is built sorted, and a sorted list is a valid heap.
        for net in ipaddress.summarize_address_range(first, last):
            heaps[net.prefixlen].append(net)

    cursor = space.network_address
    end = space.broadcast_address
    done = False
    for n in used:
        if n.broadcast_address < cursor:
            continue
        if n.network_address > cursor:
            add_run(cursor, n.network_address - 1)
        if n.broadcast_address >= end:
            done = True
            break
        cursor = n.broadcast_address + 1
    if not done and cursor <= end:
        add_run(cursor, end)

    result = {}
    for name, prefix in sorted(((r["name"], r["prefix"]) for r in requests), key=lambda r: (r[1], r[0])):
        for q in range(prefix, space.prefixlen - 1, -1):
            if heaps[q]:
                net = heapq.heappop(heaps[q])
                while net.prefixlen < prefix:
                    low, high = net.subnets(prefixlen_diff=1)
                    heapq.heappush(heaps[high.prefixlen], high)
                    net = low
                result[name] = net
                break
    return result


def carve_naive(workload, requests):
    """The straightforward best fit: scan every free network for each request (O(requests x free))."""
    space = ipaddress.ip_network(workload["space"])
    used = sorted(
        (n for n in map(ipaddress.ip_network, workload["reservations"]) if n.overlaps(space)),
        key=lambda n: (n.network_address, n.prefixlen),
    )
    free = []
    cursor = space.network_address
    end = space.broadcast_address
    done = False
    for n in used:
        if n.broadcast_address < cursor:
            continue
        if n.network_address > cursor:
            free.extend(ipaddress.summarize_address_range(cursor, n.network_address - 1))
        if n.broadcast_address >= end:
            done = True
            break
        cursor = n.broadcast_address + 1
    if not done and cursor <= end:
        free.extend(ipaddress.summarize_address_range(cursor, end))

    result = {}
    for name, prefix in sorted(((r["name"], r["prefix"]) for r in requests), key=lambda r: (r[1], r[0])):
        best = None
        for i, net in enumerate(free):
            if net.prefixlen > prefix:
                continue
            if best is None or net.prefixlen > free[best].prefixlen or (
                net.prefixlen == free[best].prefixlen and net.network_address < free[best].network_address
            ):
                best = i
        if best is None:
            continue
        net = free.pop(best)
        while net.prefixlen < prefix:
            low, high = net.subnets(prefixlen_diff=1)
            free.append(high)
            net = low
        result[name] = net
    return result


def main():
    workload, mode, warmup, runs = args()
    fn = carve_naive if mode == "naive" else carve
    times, result = time_runs(warmup, runs, lambda: fn(workload, workload["requests"]))
    report(times, [f"{name} {result[name]}" for name in sorted(result)], len(result))


if __name__ == "__main__":
    main()
