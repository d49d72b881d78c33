package dev.aegis.cli.daemon;

/** Flags passed through from {@code aegis start} to the daemon process; nulls are left out. */
public record LaunchSpec(String host, Integer port, String config) {}
