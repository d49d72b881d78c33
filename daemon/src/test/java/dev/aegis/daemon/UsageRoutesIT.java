package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage and cost routes: a key sees its own, an admin key sees everyone's. */
class UsageRoutesIT {

    @TempDir
    static Path temp;

    static TestGateway gateway;
    static String alice;
    static String bob;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp);
        alice = gateway.mintKey(new NewKey("alice", "team-a", false, List.of(), null, null, null, new BigDecimal("5")));
        bob = gateway.mintKey(new NewKey("bob", "team-b", false, List.of(), null, null, null, null));
        admin = gateway.mintKey(new NewKey("ops", "default", true, List.of(), null, null, null, null));
        String last = null;
        for (String key : List.of(alice, alice, bob)) {
            HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}")));
            last = r.headers().firstValue("X-Request-Id").orElseThrow();
        }
        gateway.awaitUsage(last);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create(gateway.url() + path)).header("x-api-key", key).GET());
    }

    private static String id(String key) {
        return ApiKeys.parse(key).orElseThrow().id();
    }

    @Test
    void aKeySeesOnlyItsOwnUsage() throws Exception {
        JsonNode own = Http.json(get("/aegis/v1/usage?by=key", alice).body());

        assertThat(own.path("groups")).hasSize(1);
        assertThat(own.at("/groups/0/group").asText()).isEqualTo(id(alice));
        assertThat(own.at("/total/requests").asLong()).isEqualTo(2);
        assertThat(own.at("/total/cost_usd").decimalValue()).isEqualByComparingTo("0.00001155");
        assertThat(get("/aegis/v1/usage?key=" + id(bob), alice).statusCode()).isEqualTo(403);
        assertThat(get("/api/costs/" + id(bob), alice).statusCode()).isEqualTo(403);
    }

    @Test
    void adminSeesEveryone() throws Exception {
        JsonNode all = Http.json(get("/api/costs", admin).body());
        assertThat(all.path("groups").findValuesAsText("group")).contains(id(alice), id(bob));

        JsonNode byTenant = Http.json(get("/aegis/v1/usage?by=tenant", admin).body());
        assertThat(byTenant.path("groups").findValuesAsText("group")).contains("team-a", "team-b");

        JsonNode one = Http.json(get("/api/costs/" + id(alice), admin).body());
        assertThat(one.path("key_id").asText()).isEqualTo(id(alice));
        assertThat(one.at("/total/requests").asLong()).isEqualTo(2);
        assertThat(one.path("balance_usd").decimalValue()).isEqualByComparingTo("4.99998845"); // $5 less 2 calls
    }

    @Test
    void keyGroupsNameTheirKeys() throws Exception {
        JsonNode all = Http.json(get("/api/costs", admin).body());
        JsonNode aliceGroup = null;
        for (JsonNode g : all.path("groups")) {
            assertThat(g.path("key_id").asText()).isEqualTo(g.path("group").asText());
            if (g.path("key_id").asText().equals(id(alice))) {
                aliceGroup = g;
            }
        }
        assertThat(aliceGroup).isNotNull();
        assertThat(aliceGroup.path("key_name").asText()).isEqualTo("alice");
        JsonNode own = Http.json(get("/aegis/v1/usage?by=key", bob).body());
        assertThat(own.at("/groups/0/key_name").asText()).isEqualTo("bob");
        JsonNode one = Http.json(get("/api/costs/" + id(alice), admin).body());
        assertThat(one.path("key_name").asText()).isEqualTo("alice");
        // Other groupings are not keys.
        assertThat(Http.json(get("/aegis/v1/usage?by=model", admin).body()).at("/groups/0").has("key_name")).isFalse();
    }

    @Test
    void badParametersAre400AndMissingKeysAre401() throws Exception {
        assertThat(get("/aegis/v1/usage?by=colour", admin).statusCode()).isEqualTo(400);
        assertThat(get("/aegis/v1/usage?since=yesterday-ish", admin).statusCode()).isEqualTo(400);
        assertThat(Http.get(gateway.url() + "/api/costs", "application/json").statusCode()).isEqualTo(401);
    }
}
