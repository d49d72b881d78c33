package dev.aegis.cli;

import dev.aegis.config.Units;
import java.time.Duration;
import picocli.CommandLine;

/** Accepts {@code 250ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 30d} on the command line. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Units.duration(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
