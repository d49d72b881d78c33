package dev.aegis.cli;

import dev.aegis.config.SecretsMode;
import picocli.CommandLine;

/** Accepts {@code block}, {@code redact} or {@code off} on the command line. */
public final class SecretsModeConverter implements CommandLine.ITypeConverter<SecretsMode> {
    @Override
    public SecretsMode convert(String value) {
        return SecretsMode.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "'" + value + "' is not a secrets mode: use block, redact or off"));
    }
}
