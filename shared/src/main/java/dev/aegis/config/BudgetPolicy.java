package dev.aegis.config;

/**
 * Token budgets per tenant (per minute, per day) and per run ({@code x-run-id}); 0 means no budget.
 *
 * @param hardStop refuse (429 {@code budget_exceeded}) and cap output once spent; otherwise only warn
 */
public record BudgetPolicy(boolean hardStop, long perRun, long perMinute, long perDay) {

    public static final BudgetPolicy NONE = new BudgetPolicy(false, 0, 0, 0);

    public boolean any() {
        return perRun > 0 || perMinute > 0 || perDay > 0;
    }
}
