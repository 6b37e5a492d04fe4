"""Overlap check with Python's ipaddress module: the peer of cdktf-calico-ipam's findOverlaps.

A sorted sweep, as ours: networks ordered by (version, network address, prefix length); a stack holds
the networks that contain the current one (CIDRs either nest or are disjoint), so every pair is found
in O(n log n + pairs). Parsing is done before timing, on both sides.
"""
import ipaddress

from common import args, report, time_runs


def overlaps(nets):
    order = sorted(range(len(nets)), key=lambda i: (nets[i].version, nets[i].network_address, nets[i].prefixlen, i))
    pairs = []
    stack = []
    for i in order:
        c = nets[i]
        while stack:
            top = nets[stack[-1]]
            if top.version == c.version and top.overlaps(c):
                break
            stack.pop()
        for j in stack:
            pairs.append((i, j) if i < j else (j, i))
        stack.append(i)
    pairs.sort()
    return pairs


def main():
    workload, _mode, warmup, runs = args()
    nets = [ipaddress.ip_network(t) for t in workload["cidrs"]]
    times, pairs = time_runs(warmup, runs, lambda: overlaps(nets))
    report(times, [f"{i} {j}" for i, j in pairs], len(pairs))


if __name__ == "__main__":
    main()
