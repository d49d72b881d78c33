package dev.aegis.json;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one configured {@link ObjectMapper}: snake_case names, ISO-8601 times, lenient on unknown fields. */
public final class Json {

    /**
     * Jackson's parser and generator buffers, pooled across threads. Its default keeps one set per
     * thread, and with a virtual thread per request that meant fresh buffers for every call, held
     * as long as the call lived (≈ 8 KB per open stream: 17 MB of the daemon's heap with 2,000
     * streams open, docs/BENCHMARKS.md).
     */
    private static final RecyclerPool<BufferRecycler> BUFFERS = JsonRecyclerPools.sharedBoundedPool();

    private static final ObjectMapper MAPPER = JsonMapper.builder(factoryBuilder().build())
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {}

    /** A factory builder sharing {@link #BUFFERS}: every parser and generator Aegis makes starts here. */
    public static JsonFactoryBuilder factoryBuilder() {
        return new JsonFactoryBuilder().recyclerPool(BUFFERS);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Serialises a value that is known to be serialisable (records of plain fields). */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String writePretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
