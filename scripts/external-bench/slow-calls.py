#!/usr/bin/env python3
"""What the slow calls waited for (docs/benchmarks/run-2026-12-04-1930-tails.md).

Usage: slow-calls.py CALLS TIMEHIST AEGIS_PID PROVIDER_PID [GC_LOG]
  CALLS     per-call file written by wrk-percall.lua (start ns, latency ns; CLOCK_MONOTONIC)
  TIMEHIST  `perf sched timehist -i perf.data` output of a `perf sched record -k CLOCK_MONOTONIC`
            taken during the calls
  AEGIS_PID the daemon's pid; PROVIDER_PID the provider's worker pid (nginx: the worker, not the master)
  GC_LOG    optional: the daemon's -Xlog:gc,safepoint:file=...:timenanos,uptime output

For each call it finds the times a thread on the call's path (the daemon's carriers and poller, the
load generator, the provider) was runnable but not running, and charges that wait to whatever ran on
that CPU meanwhile. Printed per latency band: run-queue wait per call, who held the CPU, the biggest
holder per call; with GC_LOG, how many calls over each threshold overlapped a safepoint (a safepoint
stops the daemon's threads outright, so it is not a run-queue wait).
"""
import bisect, collections, re, sys

if len(sys.argv) < 5:
    sys.exit(__doc__)
calls_file, th_file, apid, ppid = sys.argv[1:5]
gc_log = sys.argv[5] if len(sys.argv) > 5 else None
ROW = re.compile(r'^\s*([\d.]+)\s+\[(\d+)\]\s+(.*?)\[(\d+)(?:/(\d+))?\]\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)')
DAEMON = (('ForkJoinPool-1', 'carrier'), ('MasterPoller', 'poller'), ('aegis-receipts', 'receipts writer'),
          ('aegis-usage', 'usage writer'), ('VM Thread', 'VM thread'), ('C2', 'JIT'), ('C1', 'JIT'),
          ('VirtualThread-u', 'vt-unparker'), ('ForkJoinPool.co', 'commonPool'))
PATH = {'carrier', 'poller', 'provider', 'wrk'}


def category(name, pid):
    if pid == apid:
        for prefix, c in DAEMON:
            if name.startswith(prefix):
                return c
        return 'aegis:' + re.sub(r'\d+$', '', name)
    if pid == ppid:
        return 'provider'
    if name.startswith('wrk'):
        return 'wrk'
    return 'other processes'


slices = collections.defaultdict(list)  # cpu -> [(start, end, category)]
waits = []  # (woken, ran, cpu, category) of the call path's threads
for line in open(th_file):
    m = ROW.match(line)
    if not m:
        continue
    t, cpu, name, tid, pid, _wait, delay, run = m.groups()
    pid = pid or tid
    end = int(round(float(t) * 1e9))
    start = end - int(round(float(run) * 1e6))
    c = category(name.strip(), pid)
    slices[int(cpu)].append((start, end, c))
    d = int(round(float(delay) * 1e6))
    if c in PATH and d > 0:
        waits.append((start - d, start, int(cpu), c))
for s in slices.values():
    s.sort()
starts = {cpu: [s[0] for s in v] for cpu, v in slices.items()}
longest = max(s[1] - s[0] for v in slices.values() for s in v)
waits.sort()
wait_starts = [w[0] for w in waits]


def ran(cpu, a, b):
    got = collections.Counter()
    s = slices[cpu]
    i = bisect.bisect_left(starts[cpu], a - longest)
    while i < len(s) and s[i][0] < b:
        o = min(s[i][1], b) - max(s[i][0], a)
        if o > 0:
            got[s[i][2]] += o
        i += 1
    return got


lo = min(v[0][0] for v in slices.values())
hi = max(v[-1][1] for v in slices.values())
calls = []
for line in open(calls_file):
    f = line.split()
    if len(f) >= 2 and lo < int(f[0]) and int(f[0]) + int(f[1]) < hi:
        calls.append((int(f[0]), int(f[1])))
if not calls:
    sys.exit("no call falls inside the scheduler trace: were both taken at the same time, on CLOCK_MONOTONIC?")
lat = sorted(c[1] for c in calls)


def q(p):
    return lat[int(p * (len(lat) - 1))]


print("%d calls in the trace: p50 %.3f / p90 %.3f / p99 %.3f ms" % (len(calls), q(.5) / 1e6, q(.9) / 1e6, q(.99) / 1e6))
bands = [('<= p50', 0, q(.5)), ('p50-p90', q(.5), q(.9)), ('p90-p99', q(.9), q(.99)), ('> p99', q(.99), 1 << 62)]
for band, low, high in bands:
    group = [c for c in calls if low < c[1] <= high]
    if not group:
        continue
    held = collections.Counter()
    biggest = collections.Counter()
    waited = 0
    for c0, d in group:
        c1 = c0 + d
        mine = collections.Counter()
        i = bisect.bisect_left(wait_starts, c0)
        while i < len(waits) and waits[i][0] < c1:
            w, r, cpu, _ = waits[i]
            r = min(r, c1)
            waited += r - w
            mine.update(ran(cpu, w, r))
            i += 1
        held.update(mine)
        biggest[mine.most_common(1)[0][0] if mine else '(none)'] += 1
    n = len(group)
    print("\n%s: %d calls, mean %.0f us; the call path's threads waited %.0f us per call for a CPU" % (
        band, n, sum(c[1] for c in group) / n / 1e3, waited / n / 1e3))
    print("  held the CPU meanwhile (us per call): " + ", ".join("%s %.0f" % (k, v / n / 1e3) for k, v in held.most_common(8)))
    print("  biggest holder (share of calls):      " + ", ".join("%s %.0f%%" % (k, 100 * v / n) for k, v in biggest.most_common(6)))

if gc_log:
    pauses = []
    for line in open(gc_log):
        m = re.search(r'\]\[(\d+)ns\].*Safepoint "(\w+)".*Total: (\d+) ns', line)
        if m:
            pauses.append((int(m.group(1)) - int(m.group(3)), int(m.group(1)), m.group(2)))
    first, last = calls[0][0], calls[-1][0] + calls[-1][1]
    pauses = [p for p in pauses if first <= p[1] and p[0] <= last]
    print("\nsafepoints during the calls: %d (%s), %.1f ms in all" % (
        len(pauses), dict(collections.Counter(p[2] for p in pauses)), sum(p[1] - p[0] for p in pauses) / 1e6))
    for threshold in (q(.9), q(.99), 1_000_000):
        slow = [c for c in calls if c[1] > threshold]
        hit = sum(1 for c in slow if any(p[0] < c[0] + c[1] and p[1] > c[0] for p in pauses))
        print("  calls over %.3f ms: %d, of which overlapped a safepoint: %d" % (threshold / 1e6, len(slow), hit))
