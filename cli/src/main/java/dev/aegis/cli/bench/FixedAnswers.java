package dev.aegis.cli.bench;

import java.nio.charset.StandardCharsets;

/**
 * The answers of the benchmark's upstream: a 639-byte chat completion (the size the nginx
 * baseline returned) and a short chat stream of eight events with its usage chunk. Fixed bytes, so
 * the upstream spends no time building them.
 */
final class FixedAnswers {

    /** The size of the whole chat completion, in bytes. */
    static final int COMPLETION_BYTES = 639;

    private static final String COMPLETION_TEMPLATE = "{\"id\":\"chatcmpl-bench%s\",\"object\":\"chat.completion\","
            + "\"created\":1763900000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"Hello from the Aegis benchmark upstream.\",\"refusal\":null,\"annotations\":[]},"
            + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":9,"
            + "\"total_tokens\":30,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
            + "\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\",\"system_fingerprint\":\"fp_bench\"}";

    static final byte[] COMPLETION = completion();

    private static final String CHUNK = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1763900000,"
            + "\"model\":\"gpt-4o-mini\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_bench\",\"choices\":[%s],"
            + "\"usage\":%s}";
    private static final String[] WORDS = {"Hello", " from", " the", " benchmark", " upstream."};

    /** The {@code data:} events of a streamed chat completion, each with its blank line, in order. */
    static final byte[][] STREAM_EVENTS = streamEvents();

    private FixedAnswers() {}

    private static byte[] completion() {
        String base = String.format(COMPLETION_TEMPLATE, "");
        int pad = COMPLETION_BYTES - base.length();
        if (pad < 0) {
            throw new IllegalStateException("the fixed completion is longer than " + COMPLETION_BYTES + " bytes");
        }
        return String.format(COMPLETION_TEMPLATE, "0".repeat(pad)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[][] streamEvents() {
        String[] data = new String[WORDS.length + 4];
        int i = 0;
        data[i++] = String.format(CHUNK, "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}", "null");
        for (String w : WORDS) {
            data[i++] = String.format(CHUNK, "{\"index\":0,\"delta\":{\"content\":\"" + w + "\"},\"logprobs\":null,"
                    + "\"finish_reason\":null}", "null");
        }
        data[i++] = String.format(CHUNK, "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}", "null");
        data[i++] = String.format(CHUNK, "", "{\"prompt_tokens\":21,\"completion_tokens\":5,\"total_tokens\":26,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}");
        data[i] = "[DONE]";
        byte[][] out = new byte[data.length][];
        for (int k = 0; k < data.length; k++) {
            out[k] = ("data: " + data[k] + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }
}
