/**
 * Translation between the OpenAI chat completions protocol and the Anthropic Messages protocol:
 * requests, whole answers, streamed events and error bodies, both ways. Pure functions of JSON in,
 * JSON out (the stream translators keep the little state a stream needs); the proxy decides when a
 * call needs them.
 */
package dev.aegis.translate;
