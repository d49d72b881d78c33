package dev.aegis.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void made_ids_are_req_and_32_hex_digits_and_never_repeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.made();
            assertThat(id).matches("req_[0-9a-f]{32}");
            assertThat(seen.add(id)).as("repeated id %s", id).isTrue();
        }
    }

    @Test
    void a_callers_id_is_kept_unless_it_is_shaped_like_a_made_one() {
        assertThat(RequestIds.choose("run-7.step:3")).isEqualTo("run-7.step:3");
        String other = RequestIds.made(); // another key's call's id, its prefix read off any answer
        assertThat(RequestIds.choose(other)).matches("req_[0-9a-f]{32}").isNotEqualTo(other);
        assertThat(RequestIds.choose(other.toUpperCase().replace("REQ_", "req_"))).isNotEqualToIgnoringCase(other);
    }
}
