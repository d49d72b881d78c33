package dev.aegis.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.config.AegisConfig;
import dev.aegis.config.ProviderConfig;
import dev.aegis.fakeprovider.RecordedRequest;
import dev.aegis.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sends one client's real request through the replay daemon and judges what came back: a 200
 * event stream that ends the way the client expects, routed to a provider that speaks the client's
 * protocol, which received the provider's key and not the Aegis key.
 *
 * @param provider the provider the daemon chose, when it chose one
 */
record Replay(Finding finding, Optional<ProviderConfig> provider) {

    private static final String CHECK = "replay ";

    static Replay run(AgentClient client, String model, boolean bearer, ReplayRig rig, AegisConfig config) {
        String check = CHECK + client.id();
        String what = "POST " + client.path().replaceFirst("\\?.*", "") + " (stream, " + model + ")";
        int before = rig.fake().requests().size();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(rig.url() + client.path()))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(client.body(model)));
        client.headers(rig.key(), bearer).forEach(request::header);
        HttpResponse<InputStream> response;
        List<String> events = new ArrayList<>();
        String errorBody = "";
        try {
            response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                    .build().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    errorBody = lines.lines().reduce("", String::concat);
                } else {
                    lines.lines().filter(l -> l.startsWith("event:")).forEach(l -> events.add(l.substring(6).strip()));
                }
            }
        } catch (IOException e) {
            return new Replay(Finding.fail(check, what + " failed: " + e.getMessage(), null), Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Replay(Finding.fail(check, what + " was interrupted", null), Optional.empty());
        }
        Optional<ProviderConfig> provider = response.headers().firstValue("x-aegis-provider")
                .map(name -> config.providers().get(name));
        if (response.statusCode() != 200) {
            return new Replay(refused(check, what, response.statusCode(), errorBody), provider);
        }
        if (provider.isEmpty()) {
            return new Replay(Finding.fail(check, what + " was answered without naming its provider", null), provider);
        }
        ProviderConfig p = provider.get();
        if (!client.speaks(p.type())) {
            return new Replay(Finding.fail(check, model + " is routed to provider " + p.name() + " (" + p.type().id()
                    + "), which does not speak the " + client.protocol(), routeFix(client, model)), provider);
        }
        String contentType = response.headers().firstValue("content-type").orElse("");
        if (!contentType.startsWith("text/event-stream")) {
            return new Replay(Finding.fail(check, what + " was answered with " + contentType + ", not an event stream", null),
                    provider);
        }
        if (events.isEmpty() || !events.getLast().equals(client.lastEvent())) {
            return new Replay(Finding.fail(check, what + " streamed " + events.size() + " events but did not end with "
                    + client.lastEvent(), null), provider);
        }
        List<RecordedRequest> upstream = rig.fake().requests();
        if (upstream.size() <= before) {
            return new Replay(Finding.fail(check, what + " was answered, but the provider never received it", null), provider);
        }
        RecordedRequest sent = upstream.getLast();
        if (headerContains(sent, rig.key()) || !headerContains(sent, ReplayConfig.UPSTREAM_KEY)) {
            return new Replay(Finding.fail(check, "the provider did not receive its own key in place of the Aegis key", null),
                    provider);
        }
        return new Replay(Finding.pass(check, what + " -> provider " + p.name() + " (" + p.type().id() + "), "
                + events.size() + " events streamed, ending with " + client.lastEvent()), provider);
    }

    private static boolean headerContains(RecordedRequest sent, String text) {
        return sent.headers().values().stream().flatMap(List::stream).anyMatch(v -> v.contains(text));
    }

    private static Finding refused(String check, String what, int status, String body) {
        String code = "";
        String message = body;
        try {
            JsonNode error = Json.mapper().readTree(body).path("error");
            code = error.path("code").asText(error.path("type").asText(""));
            message = error.path("message").asText(body);
        } catch (IOException e) {
            // not JSON: shown as it is
        }
        String fix = switch (code) {
            case "model_not_found", "not_found_error" -> "route the model in aegis.yaml (routes: or models:), or set default_provider";
            case "classification_denied" -> "allow a provider for that classification (providers.NAME.max_classification)";
            default -> "see aegis.yaml and the message above";
        };
        return Finding.fail(check, what + " was refused: " + status + (code.isEmpty() ? "" : " " + code) + ": " + message, fix);
    }

    private static String routeFix(AgentClient client, String model) {
        return client == AgentClient.CLAUDE
                ? "route it to an anthropic provider in aegis.yaml, e.g. routes: {\"claude-*\": anthropic}"
                : "route " + model + " to an OpenAI-style provider in aegis.yaml (routes: or models:)";
    }
}
