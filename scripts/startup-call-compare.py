#!/usr/bin/env python3
"""`aegis start` to the first answered chat call, and the CPU it took, for several installs alternating
run by run (scripts/startup-compare.py measures /healthz and the start's return only).

    scripts/startup-call-compare.py ROUNDS NAME=BINARY ...

Each install gets its own throwaway AEGIS_HOME (so it replays its own daemon.launch), a key and one
warm-up start (a returning user's start). Per run: `aegis start --port P`, one poller (/healthz every
5 ms, then one chat completion to a loopback fake provider), and the CPU of the script and CLI
(os.times of the children) and of the daemon at the call (/proc/PID/stat). Medians at the end, ms.
On a shared machine judge by the CPU columns; wall clock moves with the load."""
import http.client, http.server, subprocess, sys, time, os, json, statistics, tempfile, threading, socket
rounds = int(sys.argv[1]); variants = [a.split("=", 1) for a in sys.argv[2:]]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_chat_provider import Fake  # noqa: E402
up = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fake)
threading.Thread(target=up.serve_forever, daemon=True).start()
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
CALL = b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
setup = {}
for label, aegis in variants:
    home = tempfile.mkdtemp()
    env = dict(os.environ, AEGIS_HOME=home, OPENAI_API_KEY="sk-unused", AEGIS_OPENAI_BASE_URL=f"http://127.0.0.1:{up.server_address[1]}/v1")
    port = free_port()
    subprocess.run([aegis, "start", "--port", str(port)], env=env, capture_output=True)
    subprocess.run([aegis, "stop"], env=env, capture_output=True)
    key = json.loads(subprocess.run([aegis, "keygen", "--name", "ab", "--json"], env=env, capture_output=True, text=True).stdout)["key"]
    setup[label] = (aegis, env, port, key, home)
res = {l: [] for l, _ in variants}
def one(aegis, env, port, key):
    t0 = time.monotonic()
    before = os.times()
    cli = subprocess.Popen([aegis, "start", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first = None
    others = []  # answers other than 200 on the way (a daemon must never answer 404 while it starts)
    while first is None and time.monotonic() - t0 < 60:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/healthz")
            status = c.getresponse().status
            if status == 200: first = time.monotonic() - t0
            else: others.append(status)
            c.close()
        except OSError: pass
        if first is None: time.sleep(0.005)
    call = None
    while first is not None and call is None and time.monotonic() - t0 < 60:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("POST", "/v1/chat/completions", CALL, {"authorization": "Bearer " + key, "content-type": "application/json"})
        r = c.getresponse(); r.read(); c.close()
        if r.status == 200: call = time.monotonic() - t0
        else: others.append(r.status); time.sleep(0.005)
    out = cli.stdout.read().decode()
    code = cli.wait()
    returned = time.monotonic() - t0
    after = os.times()
    return returned*1000, first*1000, call*1000, (after.children_user + after.children_system - before.children_user - before.children_system)*1000, code, out + (f" NOT 200: {others}" if others else "")
for r in range(rounds):
    for label, _ in variants:
        aegis, env, port, key, home = setup[label]
        ret, first, call, ccpu, code, out = one(aegis, env, port, key)
        try:
            pid = json.load(open(home + "/daemon.json"))["pid"]
            f = open(f"/proc/{pid}/stat").read().split(")")[-1].split(); dcpu = (int(f[11]) + int(f[12])) * 10
        except Exception: dcpu = -1
        load = open("/proc/loadavg").read().split()[0]

        res[label].append((ret, first, call, ccpu, dcpu))
        verdict = ("ok" if "is running at" in out else "OUT?" + out[:60]) + (out[out.find(" NOT 200"):] if " NOT 200" in out else "")
        print(f"{label:5s} start {ret:5.0f} healthz {first:5.0f} call {call:5.0f} | CPU: script+CLI {ccpu:4.0f} daemon {dcpu:4d} | exit {code} load {load} {verdict}", flush=True)
        subprocess.run([aegis, "stop"], env=env, capture_output=True)
        time.sleep(0.5)
print("medians (ms): start returns / first /healthz / first call / script+CLI CPU / daemon CPU at the call")
for label, rows in res.items():
    print(f"{label:5s}", " / ".join(f"{statistics.median(x[i] for x in rows):.0f}" for i in range(5)), f"(n={len(rows)})")
up.shutdown()
