package dev.aegis.ui;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * At most {@code max} entries (login links, sessions) per viewer: a viewer's new entry pushes out its own
 * oldest, never another viewer's. The caches holding them are bounded in all (10,000); without this one key
 * minting links in a loop evicted every other viewer's, the operator's session included.
 */
final class ViewerQuota {

    private final int max;
    private final Map<String, ArrayDeque<String>> byViewer = new HashMap<>();

    ViewerQuota(int max) {
        this.max = max;
    }

    /** Counts {@code id} as the viewer's; the id of its entry this pushes out (to drop from the cache), or null. */
    synchronized String add(Viewer viewer, String id) {
        ArrayDeque<String> ids = byViewer.computeIfAbsent(who(viewer), w -> new ArrayDeque<>());
        ids.addLast(id);
        return ids.size() > max ? ids.removeFirst() : null;
    }

    /** The entry is gone (redeemed, closed): it no longer counts. */
    synchronized void remove(Viewer viewer, String id) {
        ArrayDeque<String> ids = byViewer.get(who(viewer));
        if (ids != null && ids.remove(id) && ids.isEmpty()) {
            byViewer.remove(who(viewer));
        }
    }

    private static String who(Viewer viewer) {
        return Objects.requireNonNullElse(viewer.keyId(), "");
    }
}
