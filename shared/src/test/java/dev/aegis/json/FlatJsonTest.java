package dev.aegis.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.control.DaemonState;
import dev.aegis.control.HealthPayload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FlatJsonTest {

    @Test
    void theDaemonStateReadsBackExactlyAsTheMapperWroteIt() throws IOException {
        DaemonState state = new DaemonState(4242, "::1", 8787, "1.2.3", Instant.parse("2026-11-23T19:00:00.123Z"),
                "instance-1", "token-1");
        assertThat(DaemonState.fromJson(Json.writePretty(state).getBytes(StandardCharsets.UTF_8))).isEqualTo(state);
    }

    @Test
    void theHealthPayloadReadsBackExactlyAsTheMapperWroteIt() throws IOException {
        HealthPayload health = new HealthPayload("draining", "1.2.3", 7, Instant.parse("2026-11-23T19:00:00Z"), 61,
                1000, 3, "instance-1", 2, 1, true, 12);
        assertThat(HealthPayload.fromJson(new ByteArrayInputStream(Json.write(health).getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(health);
    }

    @Test
    void unknownAndNestedMembersAreSkippedMissingOnesAreEmpty() throws IOException {
        FlatJson f = FlatJson.parse("{\"a\":\"x\",\"n\":{\"deep\":[1,2]},\"b\":5,\"c\":null,\"d\":true,\"e\":1.5}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(f.string("a")).isEqualTo("x");
        assertThat(f.number("b")).isEqualTo(5);
        assertThat(f.string("c")).isNull();
        assertThat(f.flag("d")).isTrue();
        assertThat(f.number("e")).isZero();
        assertThat(f.string("n")).isNull();
        assertThat(f.instant("a")).isNull();
        assertThat(f.number("missing")).isZero();
    }

    @Test
    void aTornOrForeignFileIsAnError() {
        assertThatThrownBy(() -> FlatJson.parse("{\"host\":\"127.0.0.1\",\"po".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> FlatJson.parse("[1]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> DaemonState.fromJson("{\"port\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("host");
    }
}
