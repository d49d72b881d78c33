package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live event stream ends when the key it was opened with is revoked: it delivered every key's calls for as
 * long as the connection lasted (found by an outside review).
 */
class EventStreamRevocationIT {

    @TempDir
    Path temp;

    private static HttpResponse<String> call(TestGateway g, String key) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create(g.url() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}")));
    }

    @Test
    @org.junit.jupiter.api.Timeout(30) // before the fix the stream never ended: the read below waited for ever
    void anAdminsStreamEndsOnceItsKeyIsRevokedAndShowsNoLaterCall() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String admin = g.mintKey(new NewKey("watcher", "default", true, List.of(), null, null, null, null));
            String alice = g.mintKey(new NewKey("alice", "default", false, List.of(), null, null, null, null));
            HttpResponse<InputStream> events = Http.open(HttpRequest.newBuilder(URI.create(g.url() + "/aegis/v1/events"))
                    .header("Authorization", "Bearer " + admin).GET());
            assertThat(events.statusCode()).isEqualTo(200);
            try (InputStream in = events.body()) {
                assertThat(Http.readEvent(in)).startsWith(": aegis events");
                String before = call(g, alice).headers().firstValue("X-Request-Id").orElseThrow();
                assertThat(Http.readEvent(in)).as("a call while the key is good").contains(before);

                g.keyStore.revoke(ApiKeys.parse(admin).orElseThrow().id());
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (call(g, admin).statusCode() != 401 && System.nanoTime() < deadline) {
                    Thread.sleep(50); // the daemon's key cache sees a revocation within a second
                }
                String after = call(g, alice).headers().firstValue("X-Request-Id").orElseThrow();
                String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8); // to the stream's end
                assertThat(rest).as("no call after the revocation reaches the revoked key's stream").doesNotContain(after);
            }
        }
    }
}
