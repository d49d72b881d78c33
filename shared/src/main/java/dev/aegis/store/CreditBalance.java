package dev.aegis.store;

import java.math.BigDecimal;

/** A key's credits: the balance, and how much of it calls in flight have reserved. */
public record CreditBalance(String keyId, BigDecimal balanceUsd, BigDecimal reservedUsd) {}
