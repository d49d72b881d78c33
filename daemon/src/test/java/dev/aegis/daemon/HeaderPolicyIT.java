package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.fakeprovider.RecordedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headers that pick the provider account a call bills ({@code OpenAI-Organization},
 * {@code OpenAI-Project}) come from the provider's config only: a client's are dropped. Headers
 * clients and providers rely on otherwise still pass.
 */
class HeaderPolicyIT {

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path temp;

    @Test
    void aClientCannotPickTheOrganizationOrProjectTheOperatorsKeyBills() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", CHAT)
                    .header("OpenAI-Organization", "org-client-picked")
                    .header("OpenAI-Project", "proj_client_picked")
                    .header("OpenAI-Beta", "assistants=v2")
                    .header("x-stainless-lang", "python"));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            RecordedRequest seen = g.fake.requests().getLast();
            assertThat(seen.headers()).doesNotContainKeys("openai-organization", "openai-project");
            assertThat(seen.header("OpenAI-Beta")).isEqualTo("assistants=v2");
            assertThat(seen.header("x-stainless-lang")).isEqualTo("python");
        }
    }

    /** Aegis governs a call by the method it received: a header some servers read as another method is not sent. */
    @Test
    void aMethodOverrideHeaderDoesNotReachTheProvider() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", CHAT)
                    .header("X-HTTP-Method-Override", "DELETE").header("X-HTTP-Method", "DELETE")
                    .header("X-Method-Override", "DELETE"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(g.fake.requests().getLast().headers())
                    .doesNotContainKeys("x-http-method-override", "x-http-method", "x-method-override");
        }
    }

    @Test
    void theProvidersConfiguredOrganizationAndProjectAreSentInstead() throws Exception {
        try (TestGateway g = TestGateway.start(temp,
                "providers: { openai: { organization: org-operator, project: proj_operator } }", Map.of())) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", CHAT)
                    .header("OpenAI-Organization", "org-client-picked")
                    .header("openai-project", "proj_client_picked"));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            RecordedRequest seen = g.fake.requests().getLast();
            assertThat(seen.headers().get("openai-organization")).containsExactly("org-operator");
            assertThat(seen.headers().get("openai-project")).containsExactly("proj_operator");

            // without the client's headers too
            Http.send(g.post("/v1/chat/completions", CHAT));
            assertThat(g.fake.requests().getLast().headers().get("openai-organization")).containsExactly("org-operator");
        }
    }

    @Test
    void organizationIsRefusedForAProviderThatHasNoSuchHeader() throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestGateway.start(temp,
                        "providers: { anthropic: { organization: org-x } }", Map.of()).close())
                .hasMessageContaining("providers.anthropic.organization");
    }
}
