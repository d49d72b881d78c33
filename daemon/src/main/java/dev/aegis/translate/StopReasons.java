package dev.aegis.translate;

/** Why an answer stopped, in each protocol's words. */
final class StopReasons {

    private StopReasons() {}

    /** Anthropic {@code stop_reason} to OpenAI {@code finish_reason}. */
    static String toFinishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /** OpenAI {@code finish_reason} to Anthropic {@code stop_reason}. */
    static String toStopReason(String finishReason) {
        if (finishReason == null) {
            return null;
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }
}
