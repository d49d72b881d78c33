#!/usr/bin/env node
// The external harness's report (scripts/external-bench.sh): reads the run's facts (META, key=value
// lines) and results (RESULTS, one tab-separated line per round, row and target) and prints a
// markdown section: the median of the rounds per figure, then every round's figures.
// Usage: node report.js META RESULTS [THREADS] [SPLIT]  (THREADS: round, row, thread group, CPU µs per
// line; SPLIT: target, calls, in p50/p90, provider p50, out p50/p90 µs per line, from first-byte-split.js)
'use strict';
const fs = require('fs');

const [metaFile, resultsFile, threadsFile, splitFile] = process.argv.slice(2);
const meta = Object.fromEntries(fs.readFileSync(metaFile, 'utf8').split('\n').filter((l) => l.includes('='))
  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const lines = fs.readFileSync(resultsFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
const names = lines[0].split('\t');
const rows = lines.slice(1).map((l) => {
  const cells = l.split('\t');
  const o = {};
  names.forEach((n, i) => { o[n] = cells[i] === undefined ? '' : cells[i]; });
  return o;
});

const TARGETS = ['direct', 'nginx', 'aegis'];
const num = (v) => (v === '' || v === undefined ? NaN : Number(v));
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const of = (row, target) => rows.filter((r) => r.row === row && r.target === target);
const med = (row, target, f) => median(of(row, target).map(f));
const rate = (r) => num(r.calls) / num(r.seconds);
const cpuPerCall = (r) => num(r.cpu_us) / num(r.calls);

const ms = (us) => (Number.isFinite(us) ? (us / 1000).toFixed(3) : '—');
const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const signed = (us) => (Number.isFinite(us) ? (us >= 0 ? '+' : '−') + (Math.abs(us) / 1000).toFixed(3) : '—');
const mb = (kb) => (Number(kb) > 0 ? Math.round(Number(kb) / 1024) + ' MB' : '—');

function latency(row, prefix, target) {
  return ['p50', 'p90', 'p99', 'max'].map((p) => ms(med(row, target, (r) => num(r[`${prefix}${p}_us`])))).join(' / ');
}
function added(row, prefix, target) {
  return ['p50', 'p90', 'p99'].map((p) => signed(med(row, target, (r) => num(r[`${prefix}${p}_us`]))
    - med(row, 'direct', (r) => num(r[`${prefix}${p}_us`])))).join(' / ');
}

const out = [];
const conns = (row) => (row.endsWith('-c1') ? '1 connection' : `${row.replace(/.*-c/, '')} connections`);
const present = (row) => rows.some((r) => r.row === row);
out.push(`| ${meta.quick === '1' ? '(quick run: not worth quoting) ' : ''}| direct | nginx hop | Aegis | added by nginx hop (p50 / p90 / p99) | added by Aegis (p50 / p90 / p99) |`);
out.push('|---|---|---|---|---|---|');
for (const row of ['whole-c1', 'whole-c64']) {
  if (!present(row)) continue;
  const label = `whole answers, ${conns(row)}`;
  out.push(`| ${label}: p50 / p90 / p99 / max ms | ${TARGETS.map((t) => latency(row, '', t)).join(' | ')} | ${added(row, '', 'nginx')} | ${added(row, '', 'aegis')} |`);
  out.push(`| ${label}: calls/s | ${TARGETS.map((t) => int(med(row, t, rate))).join(' | ')} | | |`);
  out.push(`| ${label}: CPU per call | — | ${['nginx', 'aegis'].map((t) => `${int(med(row, t, cpuPerCall))} µs`).join(' | ')} | | |`);
}
for (const row of ['stream-c1', 'stream-c64']) {
  if (!present(row)) continue;
  const label = `streams, ${conns(row)}`;
  out.push(`| ${label}: first byte p50 / p90 / p99 / max ms | ${TARGETS.map((t) => latency(row, 'fb_', t)).join(' | ')} | ${added(row, 'fb_', 'nginx')} | ${added(row, 'fb_', 'aegis')} |`);
  out.push(`| ${label}: whole stream p50 / p99 ms | ${TARGETS.map((t) => ['p50', 'p99'].map((p) => ms(med(row, t, (r) => num(r[`${p}_us`])))).join(' / ')).join(' | ')} | | |`);
  out.push(`| ${label}: calls/s | ${TARGETS.map((t) => int(med(row, t, rate))).join(' | ')} | | |`);
  out.push(`| ${label}: CPU per call | — | ${['nginx', 'aegis'].map((t) => `${int(med(row, t, cpuPerCall))} µs`).join(' | ')} | | |`);
}
out.push(`| RSS idle / peak | — | ${mb(meta.hop_rss_idle_kb)} / ${mb(meta.hop_rss_peak_kb)} | ${mb(meta.aegis_rss_idle_kb)} / ${mb(meta.aegis_rss_peak_kb)} | | |`);
const errs = (t) => rows.filter((r) => r.target === t).reduce((a, r) => a + (num(r.errors) || 0), 0);
out.push(`| failed calls (all rounds) | ${TARGETS.map((t) => int(errs(t))).join(' | ')} | | |`);

out.push('');
out.push(`Run ${meta.started}; ${meta.machine}; load average (1/5/15 min) ${meta.load_before} before, ${meta.load_after} after.`);
out.push(`${meta.rounds} round(s) of ${meta.duration} s per target and row after Aegis warmed up for ${meta.warmed} s `
  + `(${meta.settled === 'yes' ? 'its rate had settled' : 'its rate had NOT settled'}); `
  + 'the targets take turns in each round and every figure is the median of the rounds.');
out.push(`Tools: ${meta.wrk} (1 thread, keep-alive, 200-byte POST), nginx ${meta.nginx} (provider: a fixed 639-byte `
  + 'chat completion, 1 worker; hop: `proxy_pass` with upstream keep-alive, unbuffered, `worker_processes auto`), '
  + `Node ${meta.node} SSE provider (20 events, 5 ms apart) and SSE client (first byte = first body byte of the `
  + 'answer, timed from just before the request is sent, over keep-alive).');
out.push(`Aegis ${meta.aegis_version}: ${meta.aegis_setup}; ${meta.aegis_runtime}; \`aegis start --foreground\`, `
  + `${meta.aegis_shape}; governance on with rate limits and token budgets too high to bind, one key minted with `
  + `\`aegis keygen\`, usage rows and signed receipts written (\`aegis usage\` counted ${meta.usage_calls} calls; the load generators ${meta.aegis_calls_sent} answers). `
  + `Idle RSS read after ${meta.idle} s left alone after start; peak is VmHWM at the end. `
  + 'CPU per call: utime+stime of the target\'s processes during the run and the second after it (/proc/PID/stat) / calls '
  + `(the idle daemon used ${meta.aegis_idle_cpu_ms_per_s} ms of CPU per second).`);
const failed = rows.filter((r) => num(r.errors) > 0);
for (const r of failed) out.push(`- round ${r.round} ${r.row} ${r.target}: ${r.errors} failed calls; first: ${r.first_error || 'see the run log'}`);

const split = splitFile && fs.existsSync(splitFile)
  ? fs.readFileSync(splitFile, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t')) : [];
if (split.length > 0) {
  // What each proxy adds to a stream's first byte, leg by leg, from the loopback's packets.
  const us = (x) => `${int(Number(x))} µs`;
  out.push('');
  out.push('Where a stream\'s first byte goes at each proxy (one more one-connection stream run per proxy after the '
    + 'rounds, its packets captured on the loopback with tcpdump; p50 / p90):');
  out.push('');
  out.push('| proxy | calls | in: client\'s request → request to the provider | the provider\'s head and first event (p50) '
    + '| out: provider\'s first packet → first packet to the client | the proxy\'s two legs (p50) |');
  out.push('|---|---|---|---|---|---|');
  for (const [t, calls, inP50, inP90, prov, outP50, outP90] of split) {
    out.push(`| ${t === 'aegis' ? 'Aegis' : 'nginx hop'} | ${calls} | ${us(inP50)} / ${us(inP90)} | ${us(prov)} `
      + `| ${us(outP50)} / ${us(outP90)} | ${us(Number(inP50) + Number(outP50))} |`);
  }
}
out.push('');
out.push('<details><summary>Every round (p50 / p99 ms, or first byte p50 / p99 for streams; calls/s; CPU per call)</summary>');
out.push('');
out.push('| row | target | ' + [...new Set(rows.map((r) => r.round))].map((n) => `round ${n}`).join(' | ') + ' |');
out.push('|---|---|' + [...new Set(rows.map((r) => r.round))].map(() => '---').join('|') + '|');
for (const row of ['whole-c1', 'whole-c64', 'stream-c1', 'stream-c64']) {
  for (const t of TARGETS) {
    const rs = of(row, t);
    if (rs.length === 0) continue;
    const pre = row.startsWith('stream') ? 'fb_' : '';
    out.push(`| ${row} | ${t} | ` + rs.map((r) => `${ms(num(r[`${pre}p50_us`]))} / ${ms(num(r[`${pre}p99_us`]))}; `
      + `${int(rate(r))}/s${Number.isFinite(cpuPerCall(r)) ? `; ${int(cpuPerCall(r))} µs` : ''}`).join(' | ') + ' |');
  }
}
out.push('');
out.push('</details>');

// Aegis's CPU per call by thread group: the median over the rounds, the largest first.
const threads = threadsFile && fs.existsSync(threadsFile)
  ? fs.readFileSync(threadsFile, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t')) : [];
if (threads.length > 0) {
  const rowNames = ['whole-c1', 'whole-c64', 'stream-c1', 'stream-c64'].filter(present);
  const groups = [...new Set(threads.map((t) => t[2]))];
  const perCall = (row, g) => median(of(row, 'aegis').map((r) => {
    const hit = threads.find((t) => t[0] === r.round && t[1] === row && t[2] === g);
    return (hit ? Number(hit[3]) : 0) / num(r.calls);
  }));
  const total = (g) => rowNames.reduce((a, row) => a + (perCall(row, g) || 0), 0);
  const shown = groups.sort((a, b) => total(b) - total(a)).filter((g) => total(g) >= 1).slice(0, 12);
  out.push('');
  out.push('<details><summary>Aegis\'s CPU per call by thread (µs, median of the rounds; thread names as the kernel shows them, '
    + 'numbers dropped)</summary>');
  out.push('');
  out.push(`| thread | ${rowNames.join(' | ')} |`);
  out.push(`|---|${rowNames.map(() => '---').join('|')}|`);
  for (const g of shown) out.push(`| ${g} | ${rowNames.map((row) => int(perCall(row, g))).join(' | ')} |`);
  out.push('');
  out.push('</details>');
}
console.log(out.join('\n'));
