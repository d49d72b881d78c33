#!/usr/bin/env python3
"""Compares `aegis start` of several installs, alternating run by run (a 2-core machine's noise moves
faster than a whole scripts/startup-times.sh round, so alternating is the fair comparison).

    scripts/startup-compare.py RUNS NAME=BINARY[|VAR=VALUE...] ...

Example: scripts/startup-compare.py 12 before=/tmp/old/bin/aegis after=/tmp/new/bin/aegis
         scripts/startup-compare.py 10 early=~/.local/bin/aegis 'plain=~/.local/bin/aegis|AEGIS_NO_EARLY_LAUNCH=1'

Each install gets its own throwaway AEGIS_HOME and port, and one warm-up start (a returning user's
start: see docs/STARTUP.md). Per run it measures, from the moment `aegis start` is spawned, the first
200 on /healthz (one poll every 5 ms: a plain connect until the port is open, then the HTTP request)
and when `aegis start` returns. Prints the median and range of both per install, in ms.
"""
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_200(port, t0, limit=30.0):
    while time.monotonic() - t0 < limit:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/healthz")
            ok = c.getresponse().status == 200
            c.close()
            if ok:
                return time.monotonic() - t0
        except OSError:
            pass
        time.sleep(0.005)
    return None


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    runs = int(sys.argv[1])
    installs = []
    for spec in sys.argv[2:]:
        name, rest = spec.split("=", 1)
        binary, *assignments = rest.split("|")
        env = dict(os.environ, AEGIS_HOME=tempfile.mkdtemp(), OPENAI_API_KEY="sk-startup-compare-unused")
        env.update(a.split("=", 1) for a in assignments)
        installs.append((name, os.path.expanduser(binary), env, free_port()))
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for name, binary, env, port in installs:
        subprocess.run([binary, "start", "--port", str(port)], env=env, **quiet)
        subprocess.run([binary, "stop"], env=env, **quiet)
    results = {name: [] for name, *_ in installs}
    for _ in range(runs):
        for name, binary, env, port in installs:
            t0 = time.monotonic()
            cli = subprocess.Popen([binary, "start", "--port", str(port)], env=env, **quiet)
            first = first_200(port, t0)
            cli.wait()
            returned = time.monotonic() - t0
            subprocess.run([binary, "stop"], env=env, **quiet)
            if first is not None:
                results[name].append((first * 1000, returned * 1000))
    for name, rows in results.items():
        if not rows:
            print(f"{name}: no start answered")
            continue
        firsts, returns = sorted(r[0] for r in rows), sorted(r[1] for r in rows)
        print(f"{name:12s} first 200: median {statistics.median(firsts):.0f} [{firsts[0]:.0f}..{firsts[-1]:.0f}]"
              f"   start returns: median {statistics.median(returns):.0f} [{returns[0]:.0f}..{returns[-1]:.0f}]")


if __name__ == "__main__":
    main()
