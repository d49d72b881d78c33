package dev.aegis.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP client for tests that need the raw bytes and headers. */
final class Http {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    /** A chunked body's content, its chunks joined (the framing read as it is, from the first chunk's size line). */
    static String unchunked(String framed) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = framed.indexOf("\r\n", at);
            int size = Integer.parseInt(framed.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(framed, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    static HttpRequest.Builder post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static HttpResponse<InputStream> open(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    static HttpResponse<String> get(String url, String accept) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET());
    }

    static JsonNode json(String body) throws IOException {
        return Json.mapper().readTree(body);
    }

    /** Reads one SSE event (up to and including the blank line that ends it), byte by byte. */
    static String readEvent(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.length() >= 2 && sb.charAt(sb.length() - 1) == '\n' && sb.charAt(sb.length() - 2) == '\n') {
                break;
            }
        }
        return sb.toString();
    }
}
