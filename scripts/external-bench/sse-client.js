#!/usr/bin/env node
// The external harness's streaming client (scripts/external-bench.sh): CONNECTIONS closed loops over
// keep-alive connections, each sending the next streamed call as soon as the last one has ended, for
// SECONDS. For every call it times, from just before the request is sent, the first byte of the
// answer's body (the first SSE event: Node's HTTP parser hands over the body only after the status
// line and headers) and the whole answer. Not Aegis code: plain Node, no dependencies.
// Usage: node sse-client.js URL BODY_FILE CONNECTIONS SECONDS [AUTHORIZATION]
// Prints one line: SSE calls=N errors=N seconds=S fb_p50_us=.. fb_p90_us=.. fb_p99_us=.. fb_max_us=..
//   p50_us=.. p90_us=.. p99_us=.. max_us=..  (whole stream) and, on errors, first_error="...".
'use strict';
const http = require('http');
const fs = require('fs');

const [url, bodyFile, connArg, secondsArg, authorization] = process.argv.slice(2);
const connections = Number(connArg);
const seconds = Number(secondsArg);
if (!url || !bodyFile || !(connections > 0) || !(seconds > 0)) {
  console.error('usage: node sse-client.js URL BODY_FILE CONNECTIONS SECONDS [AUTHORIZATION]');
  process.exit(2);
}
const body = fs.readFileSync(bodyFile);
const target = new URL(url);
const agent = new http.Agent({keepAlive: true, maxSockets: connections, maxFreeSockets: connections});
const headers = {'Content-Type': 'application/json', 'Content-Length': body.length, 'Accept': 'text/event-stream'};
if (authorization) headers.Authorization = authorization;

const firstByte = [];
const whole = [];
let errors = 0;
let firstError = null;
const started = process.hrtime.bigint();
const deadline = started + BigInt(Math.round(seconds * 1e9));

function fail(message) {
  errors++;
  if (firstError === null) firstError = message;
}

function call(done) {
  const t0 = process.hrtime.bigint();
  let t1 = 0n;
  let tailText = '';
  const req = http.request({hostname: target.hostname, port: target.port, path: target.pathname + target.search,
    method: 'POST', agent, headers}, (res) => {
    res.on('data', (data) => {
      if (t1 === 0n) t1 = process.hrtime.bigint();
      tailText = (tailText + data.toString('latin1')).slice(-64);
    });
    res.on('end', () => {
      const t2 = process.hrtime.bigint();
      if (res.statusCode !== 200) fail(`status ${res.statusCode}`);
      else if (!tailText.includes('[DONE]')) fail('the stream ended without data: [DONE]');
      else {
        firstByte.push(Number(t1 - t0) / 1000);
        whole.push(Number(t2 - t0) / 1000);
      }
      done();
    });
    res.on('error', (e) => { fail(String(e.message)); done(); });
  });
  req.on('socket', (s) => s.setNoDelay(true));
  req.on('error', (e) => { fail(String(e.message)); setTimeout(done, 10); });
  req.end(body);
}

function loop(finished) {
  const again = () => (process.hrtime.bigint() < deadline ? call(again) : finished());
  again();
}

function pct(sorted, p) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]);
}

let running = connections;
for (let i = 0; i < connections; i++) {
  loop(() => {
    if (--running > 0) return;
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const fb = firstByte.sort((a, b) => a - b);
    const all = whole.sort((a, b) => a - b);
    let line = `SSE calls=${all.length} errors=${errors} seconds=${elapsed.toFixed(3)}`
      + ` fb_p50_us=${pct(fb, 50)} fb_p90_us=${pct(fb, 90)} fb_p99_us=${pct(fb, 99)} fb_max_us=${pct(fb, 100)}`
      + ` p50_us=${pct(all, 50)} p90_us=${pct(all, 90)} p99_us=${pct(all, 99)} max_us=${pct(all, 100)}`;
    if (firstError !== null) line += ` first_error=${JSON.stringify(firstError)}`;
    console.log(line);
    agent.destroy();
  });
}
