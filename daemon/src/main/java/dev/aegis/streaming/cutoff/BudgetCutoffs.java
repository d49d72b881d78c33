package dev.aegis.streaming.cutoff;

/** The cut-off for each streaming protocol. */
public final class BudgetCutoffs {

    private BudgetCutoffs() {}

    public static BudgetCutoff chat(long budget) {
        return new ChatCutoff(budget);
    }

    public static BudgetCutoff responses(long budget) {
        return new ResponsesCutoff(budget);
    }

    public static BudgetCutoff messages(long budget) {
        return new MessagesCutoff(budget);
    }
}
