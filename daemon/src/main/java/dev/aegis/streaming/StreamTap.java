package dev.aegis.streaming;

/** Sees every byte of a provider's answer as it is forwarded, without changing it (usage extraction). */
public interface StreamTap {

    StreamTap NONE = (buffer, offset, length) -> {};

    void onBytes(byte[] buffer, int offset, int length);
}
