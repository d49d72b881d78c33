#!/usr/bin/env node
// The paired A/B client (scripts/external-ab.sh): one keep-alive connection to each of two proxies,
// streamed calls sent to A and B in turn, one at a time, for SECONDS. Each target sees a call every
// other stream, so both are exactly as idle, and the host's slow and quiet moments fall on both
// alike. First byte = the first body byte of the answer, timed from just before the request is
// sent, as sse-client.js times it. Not Aegis code: plain Node, no dependencies.
// Usage: node ab-client.js SECONDS BODY_FILE URL_A AUTH_A URL_B AUTH_B [new]
//   new: a new connection for every call (as a client that lets its connection go between calls)
// Prints one line per target: AB target=A calls=N errors=N fb_p50_us=.. fb_p90_us=.. fb_p99_us=..
'use strict';
const http = require('http');
const fs = require('fs');

const [secondsArg, bodyFile, urlA, authA, urlB, authB, mode] = process.argv.slice(2);
const keepAlive = mode !== 'new';
if (!(Number(secondsArg) > 0) || !bodyFile || !urlA || !urlB) {
  console.error('usage: node ab-client.js SECONDS BODY_FILE URL_A AUTH_A URL_B AUTH_B [new]');
  process.exit(2);
}
const body = fs.readFileSync(bodyFile);
const targets = [['A', urlA, authA], ['B', urlB, authB]].map(([name, url, auth]) => ({
  name, url: new URL(url), auth, firstByte: [], errors: 0,
  agent: new http.Agent({keepAlive, maxSockets: 1}),
}));
const deadline = process.hrtime.bigint() + BigInt(Math.round(Number(secondsArg) * 1e9));
let turn = 0;

function next() {
  if (process.hrtime.bigint() >= deadline) return report();
  const t = targets[turn++ % 2];
  const t0 = process.hrtime.bigint();
  let t1 = 0n;
  const headers = {'Content-Type': 'application/json', 'Content-Length': body.length, 'Accept': 'text/event-stream'};
  if (t.auth) headers.Authorization = t.auth;
  const req = http.request({hostname: t.url.hostname, port: t.url.port, path: t.url.pathname + t.url.search,
    method: 'POST', agent: t.agent, headers}, (res) => {
    res.on('data', () => { if (t1 === 0n) t1 = process.hrtime.bigint(); });
    res.on('end', () => {
      if (res.statusCode === 200 && t1 !== 0n) t.firstByte.push(Number(t1 - t0) / 1000);
      else t.errors++;
      next();
    });
  });
  req.on('socket', (s) => s.setNoDelay(true));
  req.on('error', () => { t.errors++; setTimeout(next, 10); });
  req.end(body);
}

function pct(xs, p) {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]);
}

function report() {
  for (const t of targets) {
    console.log(`AB target=${t.name} calls=${t.firstByte.length} errors=${t.errors} fb_p50_us=${pct(t.firstByte, 50)}`
      + ` fb_p90_us=${pct(t.firstByte, 90)} fb_p99_us=${pct(t.firstByte, 99)}`);
    t.agent.destroy();
  }
}

next();
