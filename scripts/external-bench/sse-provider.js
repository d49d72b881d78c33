#!/usr/bin/env node
// The external harness's streaming provider (scripts/external-bench.sh): answers every POST with an
// OpenAI-style chat stream of EVENTS events, the first at once and the rest DELAY_MS apart, then a
// usage chunk and [DONE]. It reads and ignores the request body. Not Aegis code: plain Node, no
// dependencies.
// Usage: node sse-provider.js PORT [EVENTS=20] [DELAY_MS=5]
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
const events = Number(process.argv[3] || 20);
const delayMs = Number(process.argv[4] || 5);
if (!Number.isInteger(port) || port <= 0 || events < 2 || delayMs < 0) {
  console.error('usage: node sse-provider.js PORT [EVENTS>=2] [DELAY_MS>=0]');
  process.exit(2);
}

const head = '{"id":"chatcmpl-extbench","object":"chat.completion.chunk","created":1763900000,'
  + '"model":"gpt-4o-mini","system_fingerprint":"fp_extbench","choices":[';
const chunk = (choice, usage) => Buffer.from(`data: ${head}${choice}],"usage":${usage}}\n\n`);
const frames = [chunk('{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}', 'null')];
for (let i = 1; i < events - 1; i++) {
  frames.push(chunk(`{"index":0,"delta":{"content":" word${i}"},"logprobs":null,"finish_reason":null}`, 'null'));
}
frames.push(chunk('{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}', 'null'));
const tail = Buffer.concat([
  chunk('', `{"prompt_tokens":21,"completion_tokens":${events - 2},"total_tokens":${21 + events - 2}}`),
  Buffer.from('data: [DONE]\n\n'),
]);

const server = http.createServer((req, res) => {
  req.resume(); // read and drop the body
  req.on('end', () => {
    res.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache'});
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i < frames.length - 1) {
        res.write(frames[i++]);
        setTimeout(next, delayMs);
      } else {
        res.write(frames[i]);
        res.end(tail);
      }
    };
    next();
  });
});
server.keepAliveTimeout = 120000;
server.headersTimeout = 121000;
server.on('connection', (s) => s.setNoDelay(true));
server.listen(port, '127.0.0.1', () => console.log(`sse-provider listening on 127.0.0.1:${port}`));
