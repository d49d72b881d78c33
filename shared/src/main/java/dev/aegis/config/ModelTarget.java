package dev.aegis.config;

/** One step of an alias's fallback chain: send this model to this provider. */
public record ModelTarget(String provider, String model) {}
