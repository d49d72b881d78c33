package dev.aegis.config;

import java.util.regex.Pattern;

/** A model-id pattern ({@code gpt-*}, {@code llama*}) that sends matching models to a provider. */
public record RouteRule(String pattern, String provider, Pattern compiled) {

    public static RouteRule of(String pattern, String provider) {
        String regex = ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q");
        return new RouteRule(pattern, provider, Pattern.compile(regex));
    }

    public boolean matches(String model) {
        return compiled.matcher(model).matches();
    }
}
