package dev.aegis.cli.commands;

import java.math.BigDecimal;
import picocli.CommandLine;

/**
 * A USD amount given on the command line ({@code --credits}, {@code --budget}, {@code --session-budget},
 * {@code credits add}): a plain number, zero or more ({@link Adjustment}: of either sign), at most one
 * billion and at most nine decimal places (Aegis counts money in nano-dollars). Anything else is a usage error (exit 2) naming the value,
 * never an arithmetic failure further on.
 */
public class UsdAmount implements CommandLine.ITypeConverter<BigDecimal> {

    /** The largest amount one command may give: far below what a balance in nano-dollars can hold. */
    public static final BigDecimal MAX = new BigDecimal(1_000_000_000);

    /** A plain decimal in ASCII digits, with an optional sign. */
    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)");

    @Override
    public BigDecimal convert(String value) {
        BigDecimal usd;
        try {
            if (!PLAIN.matcher(value.strip()).matches()) {
                throw new NumberFormatException(); // BigDecimal reads any script's digits, and exponents
            }
            usd = new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an amount in USD (e.g. 5 or 0.50)");
        }
        if (usd.signum() < 0 && !signed()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is negative: give zero or more USD");
        }
        if (usd.abs().compareTo(MAX) > 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is more than $1,000,000,000");
        }
        if (usd.signum() != 0 && usd.stripTrailingZeros().scale() > 9) {
            throw new CommandLine.TypeConversionException("'" + value + "' has more than 9 decimal places (a nano-dollar)");
        }
        return usd;
    }

    boolean signed() {
        return false;
    }

    /** A change to a balance ({@code credits add}): a negative amount takes credits back. */
    public static final class Adjustment extends UsdAmount {
        @Override
        boolean signed() {
            return true;
        }
    }
}
