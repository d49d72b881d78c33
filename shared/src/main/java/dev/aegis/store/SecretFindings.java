package dev.aegis.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aegis.json.Json;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The secrets found in one call's prompt, as kinds and how many of each: never a value, nor where
 * it was. Recorded in the usage row ({@code secret_findings}) and the receipt ({@code secrets}) of
 * redacted and blocked calls alike.
 *
 * @param counts kind ({@code aws_access_key_id}, {@code custom}...) to count, ordered by kind
 */
public record SecretFindings(SortedMap<String, Integer> counts) {

    public static final SecretFindings NONE = new SecretFindings(new TreeMap<>());

    public SecretFindings {
        counts = Collections.unmodifiableSortedMap(new TreeMap<>(counts));
    }

    public static SecretFindings of(Map<String, Integer> counts) {
        return counts.isEmpty() ? NONE : new SecretFindings(new TreeMap<>(counts));
    }

    public boolean isEmpty() {
        return counts.isEmpty();
    }

    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Compact JSON, e.g. {@code {"aws_access_key_id":2,"github_token":1}}. */
    public String toJson() {
        try {
            return Json.mapper().writeValueAsString(counts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of names to numbers is always JSON", e);
        }
    }
}
