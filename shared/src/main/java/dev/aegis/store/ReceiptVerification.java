package dev.aegis.store;

/**
 * One run of {@code aegis receipts verify} over a trail, as the store remembers it.
 *
 * @param verifiedMs when it ran (epoch millis)
 * @param intact whether the whole trail checked out
 * @param receipts receipts checked and found good (before the problem, when broken)
 * @param headSeq the seq of the trail's last receipt when intact; null when broken
 * @param problem where and why the trail is broken ({@code file:line: reason}); null when intact
 */
public record ReceiptVerification(long verifiedMs, boolean intact, long receipts, Long headSeq, String problem) {}
