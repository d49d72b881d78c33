package dev.aegis.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.math.BigDecimal;

/**
 * Money in every JSON Aegis prints or serves (CLI {@code --json}, {@code /api/costs},
 * {@code /aegis/v1/usage}, the dashboard's {@code /ui/api/}, live events): a JSON number written exactly — plain decimal, never a
 * string, never an exponent ({@code 0.0000001}, not {@code 1E-7}), never rounded through a double.
 * Written as the decimal's own digits, so it holds whichever generator or {@code toString} writes the
 * node. (Receipts keep their own signed format.)
 */
public final class JsonMoney {

    private JsonMoney() {}

    /** Puts {@code usd} into {@code node} as an exact JSON number; returns the node. */
    public static ObjectNode put(ObjectNode node, String field, BigDecimal usd) {
        node.putRawValue(field, new RawValue(plain(usd)));
        return node;
    }

    /** The amount's digits as a JSON number: no trailing zeros, no exponent. */
    public static String plain(BigDecimal usd) {
        BigDecimal stripped = usd.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }
}
