#!/usr/bin/env node
// The external harness's split of a proxied stream's first byte (scripts/external-bench.sh): reads
// `tcpdump -tt -n` lines captured on the loopback during one-connection streams through a proxy (the
// nginx hop or Aegis) and, for every call, times the two legs the proxy adds from the packets alone:
//   in:  the client's request (its last data packet) -> the proxy's request to the provider
//   out: the provider's first data packet of its answer -> the proxy's first data packet to the client
// What lies between the two legs is the provider's own time, which the direct runs measure. Not
// Aegis code: plain Node, no dependencies.
// Usage: tcpdump -tt -n -r CAPTURE | node first-byte-split.js PROXY_PORT PROVIDER_PORT
// Prints one line: SPLIT calls=N in_p50_us=.. in_p90_us=.. provider_p50_us=.. out_p50_us=.. out_p90_us=..
'use strict';
const readline = require('readline');

const [proxyPort, providerPort] = process.argv.slice(2);
if (!/^\d+$/.test(proxyPort || '') || !/^\d+$/.test(providerPort || '')) {
  console.error('usage: tcpdump -tt -n -r CAPTURE | node first-byte-split.js PROXY_PORT PROVIDER_PORT');
  process.exit(2);
}

// 1796484021.951008 IP 127.0.0.1.42578 > 127.0.0.1.39177: Flags [P.], seq 1:228, ..., length 227
const PACKET = /^(\d+)\.(\d+) IP [\d.]+\.(\d+) > [\d.]+\.(\d+):.* length (\d+)$/;
const legs = {in: [], provider: [], out: []};
let call = null; // {sent, forwarded, answered} in µs since the capture's first second

function micros(seconds, fraction) {
  return Number(seconds) * 1e6 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

readline.createInterface({input: process.stdin}).on('line', (line) => {
  const m = PACKET.exec(line.trim());
  if (!m || m[5] === '0') return; // not a data packet
  const t = micros(m[1], m[2]);
  const from = m[3];
  const to = m[4];
  if (to === proxyPort) {
    // The client's request; a request in several packets counts from its last one.
    if (call === null || call.forwarded === undefined) call = {sent: t};
  } else if (call === null) {
    // A stream already under way when the capture began.
  } else if (to === providerPort) {
    if (call.forwarded === undefined) call.forwarded = t;
  } else if (from === providerPort) {
    if (call.forwarded !== undefined && call.answered === undefined) call.answered = t;
  } else if (from === proxyPort && call.answered !== undefined) {
    legs.in.push(call.forwarded - call.sent);
    legs.provider.push(call.answered - call.forwarded);
    legs.out.push(t - call.answered);
    call = null; // the rest of this stream's packets are not a first byte
  }
}).on('close', () => {
  const pct = (xs, p) => {
    if (xs.length === 0) return 0;
    const s = [...xs].sort((a, b) => a - b);
    return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]);
  };
  console.log(`SPLIT calls=${legs.in.length} in_p50_us=${pct(legs.in, 50)} in_p90_us=${pct(legs.in, 90)}`
    + ` provider_p50_us=${pct(legs.provider, 50)} out_p50_us=${pct(legs.out, 50)} out_p90_us=${pct(legs.out, 90)}`);
});
