package dev.aegis.keys;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** What {@code aegis keygen} asks for; {@code creditsUsd} null means no credit limit. */
public record NewKey(
        String name,
        String tenant,
        boolean admin,
        List<String> models,
        Integer rpm,
        Integer tpm,
        Instant expiresAt,
        BigDecimal creditsUsd) {}
