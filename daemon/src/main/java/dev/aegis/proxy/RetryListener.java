package dev.aegis.proxy;

/** Told of each retry and fallback (for metrics). */
public interface RetryListener {

    RetryListener NONE = new RetryListener() {
        @Override
        public void retried(String provider) {}

        @Override
        public void fellBack(String fromProvider) {}
    };

    void retried(String provider);

    void fellBack(String fromProvider);
}
