package dev.aegis.streaming;

/**
 * One server-sent event as it came over the wire.
 *
 * @param raw the event's exact bytes, including its terminating blank line
 * @param event the {@code event:} field, or null
 * @param data the {@code data:} lines joined with newlines, or null when none
 */
public record SseEvent(byte[] raw, String event, String data) {}
