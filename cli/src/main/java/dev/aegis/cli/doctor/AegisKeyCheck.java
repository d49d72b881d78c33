package dev.aegis.cli.doctor;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.Stores;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.KeyRecord;
import dev.aegis.store.CreditBalance;
import dev.aegis.store.Database;
import dev.aegis.store.SqlCreditLedger;
import dev.aegis.store.SqlKeyStore;
import java.time.InstantSource;
import java.util.Optional;

/** Whether the key a client will send is an Aegis key this home knows and that still works. Never prints it. */
final class AegisKeyCheck {

    private AegisKeyCheck() {}

    static Finding check(CliContext context, String check, String variable, String value, String mint) {
        String fix = "mint a key with `aegis keygen --name " + mint + "` and export " + variable + "=<that key>";
        if (value == null || value.isBlank()) {
            return Finding.fail(check, "$" + variable + " is not set in this shell, so the client sends no key", fix);
        }
        Optional<ApiKeys.Presented> presented = ApiKeys.parse(value);
        if (presented.isEmpty()) {
            return Finding.fail(check, "$" + variable + " does not hold an Aegis key (aegis_...); Aegis would refuse it", fix);
        }
        Optional<KeyRecord> stored;
        Optional<CreditBalance> credits;
        try (Database db = Stores.open(context)) {
            stored = new SqlKeyStore(db, InstantSource.system()).find(presented.get().id());
            credits = stored.isEmpty() ? Optional.empty() : new SqlCreditLedger(db, InstantSource.system()).balance(stored.get().id());
        } catch (CliException e) {
            return Finding.warn(check, "could not look the key up: " + e.getMessage(), null);
        }
        if (stored.isEmpty() || !ApiKeys.matches(presented.get().key(), stored.get().secretSha256())) {
            return Finding.fail(check, "$" + variable + " holds a key this Aegis does not know (id "
                    + presented.get().id() + ")", fix);
        }
        KeyRecord key = stored.get();
        if (!key.active(InstantSource.system().instant())) {
            return Finding.fail(check, "$" + variable + " holds key " + key.id() + " (" + TerminalText.escape(key.name())
                    + "), which is "
                    + (key.revoked() ? "revoked" : "expired"), fix);
        }
        if (credits.isPresent() && credits.get().balanceUsd().signum() <= 0) {
            return Finding.fail(check, "$" + variable + " holds key " + key.id() + " (" + TerminalText.escape(key.name())
                    + "), whose credits are used up: every call is refused with 402 (aegis credits show " + key.id() + ")",
                    "aegis credits add " + key.id() + " USD");
        }
        return Finding.pass(check, "$" + variable + " holds Aegis key " + key.id() + " ("
                + TerminalText.escape(key.name()) + ")");
    }
}
