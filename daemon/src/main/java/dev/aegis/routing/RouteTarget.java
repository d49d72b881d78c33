package dev.aegis.routing;

import dev.aegis.config.ProviderConfig;

/** One place a call can go: a provider and the model name that provider knows it by. */
public record RouteTarget(ProviderConfig provider, String model) {}
