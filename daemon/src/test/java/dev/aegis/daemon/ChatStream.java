package dev.aegis.daemon;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.ArrayList;
import java.util.List;

/** What the official OpenAI SDK read from one streamed chat completion: its text and each finish reason. */
record ChatStream(String text, List<String> finishReasons) {

    /** Streams a one-message chat to {@code gpt-4o-mini} and reads it to the end. */
    static ChatStream read(OpenAIClient client) {
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("hi").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().content().ifPresent(text::append);
                c.finishReason().ifPresent(r -> finish.add(r.asString()));
            }));
        }
        return new ChatStream(text.toString(), finish);
    }
}
