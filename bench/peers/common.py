"""Shared by the Python peers: arguments, timing, and the report the benchmark reads from stdout."""
import hashlib
import json
import resource
import sys
import time


def args():
    """workload file, mode, warm-up runs, timed runs"""
    path, mode, warmup, runs = sys.argv[1:5]
    with open(path, encoding="utf-8") as f:
        workload = json.load(f)
    return workload, mode, int(warmup), int(runs)


def time_runs(warmup, runs, fn):
    times = []
    last = None
    for i in range(warmup + runs):
        start = time.perf_counter()
        last = fn()
        ms = (time.perf_counter() - start) * 1000
        if i >= warmup:
            times.append(ms)
    return times, last


def digest(lines):
    h = hashlib.sha256()
    for line in lines:
        h.update((line + "\n").encode())
    return h.hexdigest()


def report(times, lines, count):
    """The last line of standard output, which the benchmark's runner reads (bench/registry.ts, SideReport)."""
    # ru_maxrss is in KiB on Linux.
    out = {
        "times": times,
        "rssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "digest": digest(lines),
        "count": count,
    }
    print(json.dumps(out))
