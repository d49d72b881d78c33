package dev.aegis.proxy;

import dev.aegis.config.ProviderType;
import dev.aegis.routing.RouteTarget;
import dev.aegis.translate.ChatAnswerAsMessages;
import dev.aegis.translate.ChatEventsAsMessages;
import dev.aegis.translate.ChatRequestAsMessages;
import dev.aegis.translate.ErrorBodies;
import dev.aegis.translate.EventTranslator;
import dev.aegis.translate.MessagesAnswerAsChat;
import dev.aegis.translate.MessagesAnswerAsResponse;
import dev.aegis.translate.MessagesEventsAsResponses;
import dev.aegis.translate.ResponsesRequestAsMessages;
import dev.aegis.translate.MessagesEventsAsChat;
import dev.aegis.translate.MessagesRequestAsChat;
import dev.aegis.proxy.http1.OutgoingRequest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How one call crosses from the protocol its client speaks to the protocol its provider speaks, and
 * its answer back: unchanged when they are the same, translated between OpenAI chat completions and
 * Anthropic Messages when they differ (SPEC §4). Usage is always read from what the provider sent,
 * in the provider's protocol; budgets and error endings act on what the client gets.
 */
sealed interface Translation {

    /** The endpoint the provider is called on. */
    Endpoint upstream();

    /** The path below the API version the provider is called on. */
    default String upstreamPath(String clientPath) {
        return upstream().apiPath();
    }

    /** True when the client's query string goes to the provider (it means nothing to another protocol). */
    default boolean keepsQuery() {
        return false;
    }

    /** The bytes to send the provider. */
    byte[] request(RequestBody body, RouteTarget target, Integer outputCap);

    /** The client's answer for a whole provider answer (a success or an error). */
    byte[] answer(byte[] body, int status);

    /** Turns streamed provider events into the client's; null when events pass as they are. */
    EventTranslator events();

    /** Headers the provider's protocol needs that the client's does not send. */
    default void addHeaders(OutgoingRequest.Builder request, String clientAnthropicVersion) {}

    /**
     * The translation for a call on {@code client} served by a provider of {@code type}; empty when
     * no translation exists (legacy completions, embeddings or compaction to Anthropic; token counting to an
     * OpenAI-protocol provider).
     *
     * @param includeUsage the client asked for a chat stream's usage chunk
     */
    static Optional<Translation> between(Endpoint client, ProviderType type, boolean includeUsage, Clock clock) {
        boolean anthropic = type == ProviderType.ANTHROPIC;
        return switch (client) {
            case PASSTHROUGH -> Optional.of(new Same(client));
            case MESSAGES -> Optional.of(anthropic ? new Same(client) : new MessagesViaChat(
                    type == ProviderType.OPENAI_COMPATIBLE ? "max_tokens" : "max_completion_tokens"));
            case COUNT_TOKENS -> anthropic ? Optional.of(new Same(client)) : Optional.empty();
            case RESPONSES_INPUT_TOKENS -> anthropic ? Optional.empty() : Optional.of(new Same(client));
            case CHAT_COMPLETIONS -> Optional.of(anthropic ? new ViaMessages(ChatRequestAsMessages::translate,
                    body -> MessagesAnswerAsChat.translate(body, clock), () -> new MessagesEventsAsChat(includeUsage, clock))
                    : Same.to(client, type));
            case RESPONSES -> Optional.of(anthropic ? new ViaMessages(ResponsesRequestAsMessages::translate,
                    body -> MessagesAnswerAsResponse.translate(body, clock), () -> new MessagesEventsAsResponses(clock))
                    : new Same(client));
            case COMPLETIONS, EMBEDDINGS, RESPONSES_COMPACT -> anthropic ? Optional.empty() : Optional.of(new Same(client));
        };
    }

    /** The Messages API version Aegis speaks when the client (an OpenAI client) names none. */
    String ANTHROPIC_VERSION = "2023-06-01";

    /** Client and provider speak the same protocol: the body goes byte for byte, with Aegis's few edits. */
    /**
     * The call as sent, but for the changes Aegis makes (model, usage, output cap).
     *
     * @param limitFields the output-limit fields, the one Aegis adds when it caps a call that set none first
     */
    record Same(Endpoint upstream, List<String> limitFields) implements Translation {

        Same(Endpoint upstream) {
            this(upstream, upstream.outputLimitFields());
        }

        /**
         * For a provider of {@code type}: an OpenAI-compatible server (Ollama, vLLM, llama.cpp) is given a
         * chat call's cap as {@code max_tokens}, the field they all read ({@code max_completion_tokens} is
         * OpenAI's newer name, which some of them ignore), as a translated Messages call already is.
         */
        static Same to(Endpoint upstream, ProviderType type) {
            return type == ProviderType.OPENAI_COMPATIBLE && upstream == Endpoint.CHAT_COMPLETIONS
                    ? new Same(upstream, COMPATIBLE_CHAT_LIMITS) : new Same(upstream);
        }

        private static final List<String> COMPATIBLE_CHAT_LIMITS = List.of("max_tokens", "max_completion_tokens");

        @Override
        public String upstreamPath(String clientPath) {
            return clientPath;
        }

        @Override
        public boolean keepsQuery() {
            return true;
        }

        @Override
        public byte[] request(RequestBody body, RouteTarget target, Integer outputCap) {
            boolean askForUsage = upstream.streamsUsageOnRequest();
            return body.forUpstream(new RequestBody.Changes(target.model(), askForUsage, outputCap, limitFields,
                    upstream == Endpoint.MESSAGES));
        }

        @Override
        public byte[] answer(byte[] body, int status) {
            return body;
        }

        @Override
        public EventTranslator events() {
            return null;
        }
    }

    /** Turns an OpenAI request body into a Messages one for the provider's model, within an output cap. */
    @FunctionalInterface
    interface ToMessages {
        byte[] translate(byte[] body, String model, Integer outputCap);
    }

    /**
     * An OpenAI call (chat completions or the Responses API) served by an Anthropic model: the request
     * goes as Messages, successful answers come back in the client's protocol, errors in OpenAI's shape.
     */
    record ViaMessages(ToMessages toMessages, Function<byte[], byte[]> answerBack, Supplier<EventTranslator> eventsBack)
            implements Translation {
        @Override
        public Endpoint upstream() {
            return Endpoint.MESSAGES;
        }

        @Override
        public byte[] request(RequestBody body, RouteTarget target, Integer outputCap) {
            return toMessages.translate(body.bytes(), target.model(), outputCap);
        }

        @Override
        public byte[] answer(byte[] body, int status) {
            return status < 400 ? answerBack.apply(body) : ErrorBodies.toOpenAi(body, status);
        }

        @Override
        public EventTranslator events() {
            return eventsBack.get();
        }

        @Override
        public void addHeaders(OutgoingRequest.Builder request, String clientAnthropicVersion) {
            if (clientAnthropicVersion == null) {
                request.header("anthropic-version", ANTHROPIC_VERSION);
            }
        }
    }

    /** An Anthropic Messages call served by an OpenAI-protocol provider. */
    record MessagesViaChat(String outputField) implements Translation {
        @Override
        public Endpoint upstream() {
            return Endpoint.CHAT_COMPLETIONS;
        }

        @Override
        public byte[] request(RequestBody body, RouteTarget target, Integer outputCap) {
            return MessagesRequestAsChat.translate(body.bytes(), target.model(), outputCap, outputField);
        }

        @Override
        public byte[] answer(byte[] body, int status) {
            return status < 400 ? ChatAnswerAsMessages.translate(body) : ErrorBodies.toAnthropic(body, status);
        }

        @Override
        public EventTranslator events() {
            return new ChatEventsAsMessages();
        }
    }
}
