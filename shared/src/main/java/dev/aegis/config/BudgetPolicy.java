package dev.aegis.config;

import java.math.BigDecimal;

/**
 * Token budgets per tenant (per minute, per day), per run ({@code x-run-id}) and per coding-agent
 * session, and a USD budget per session; 0 (null for USD) means no budget. A run and a session are
 * one key's.
 *
 * @param hardStop refuse (429 {@code budget_exceeded}) and cap output once spent; otherwise only warn
 * @param perSession tokens (input + output) per session ({@code tokens.perSession})
 * @param perSessionUsd cost per session ({@code usd.perSession}), or null
 */
public record BudgetPolicy(boolean hardStop, long perRun, long perMinute, long perDay, long perSession,
        BigDecimal perSessionUsd) {

    public static final BudgetPolicy NONE = new BudgetPolicy(false, 0, 0, 0);

    /** Without session budgets. */
    public BudgetPolicy(boolean hardStop, long perRun, long perMinute, long perDay) {
        this(hardStop, perRun, perMinute, perDay, 0, null);
    }

    public boolean any() {
        return perRun > 0 || perMinute > 0 || perDay > 0 || perSession > 0 || perSessionUsd != null;
    }
}
