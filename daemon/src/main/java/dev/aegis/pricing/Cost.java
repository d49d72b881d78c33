package dev.aegis.pricing;

import java.math.BigDecimal;

/**
 * What a call cost.
 *
 * @param unpriced the model has no price: the cost is 0 and the call is flagged
 * @param priceVersion the price table version used
 */
public record Cost(BigDecimal usd, boolean unpriced, String priceVersion) {}
