-- Team mode (docs/TEAM.md): a daemon leases a few places of a key's request rules at once and admits its next calls
-- from them without a round trip. aegis_rate_limit_admit (V15) with, per rule, how many places are wanted and how
-- many at least: a request rule (increment > 0) grants up to p_wants places, as many as its window has room for;
-- the call is admitted when every request rule grants at least p_mins and every token rule (increment 0, only
-- read) is within its window, and only then are the grants taken. Each rule's TAT before the call is returned
-- either way, timed by the database's clock, with what each rule granted. Rules arrive sorted by name (no deadlock).
-- Places handed back (a lease unused) are subtracted by the background writer's relative update, like tokens.
CREATE OR REPLACE FUNCTION aegis_rate_limit_lease(p_key TEXT, p_rules TEXT[], p_increments BIGINT[], p_windows BIGINT[],
        p_wants INT[], p_mins INT[])
RETURNS TABLE (admitted BOOLEAN, now_ns BIGINT, tat_ns BIGINT[], granted INT[])
LANGUAGE plpgsql AS $$
DECLARE
    v_now BIGINT := (extract(epoch from statement_timestamp()) * 1000000000)::bigint;
    v_tat BIGINT[] := p_increments;
    v_granted INT[] := p_wants;
    v_ok BOOLEAN := true;
    v_cur BIGINT;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR i IN 1 .. coalesce(array_length(p_rules, 1), 0) LOOP
        v_cur := NULL;
        v_granted[i] := 0;
        IF p_increments[i] > 0 THEN
            SELECT s.tat_ns INTO v_cur FROM rate_limit_state s WHERE s.key_id = p_key AND s.rule = p_rules[i] FOR UPDATE;
            IF NOT FOUND THEN
                INSERT INTO rate_limit_state (key_id, rule, tat_ns) VALUES (p_key, p_rules[i], v_now) ON CONFLICT DO NOTHING;
                SELECT s.tat_ns INTO v_cur FROM rate_limit_state s WHERE s.key_id = p_key AND s.rule = p_rules[i] FOR UPDATE;
            END IF;
        ELSE
            SELECT s.tat_ns INTO v_cur FROM rate_limit_state s WHERE s.key_id = p_key AND s.rule = p_rules[i];
        END IF;
        v_tat[i] := GREATEST(coalesce(v_cur, v_now), v_now);
        IF p_increments[i] > 0 THEN
            v_granted[i] := LEAST(p_wants[i], GREATEST(0, (p_windows[i] - (v_tat[i] - v_now)) / p_increments[i]));
            IF v_granted[i] < p_mins[i] THEN
                v_ok := false;
            END IF;
        ELSIF v_tat[i] - v_now > p_windows[i] THEN
            v_ok := false;
        END IF;
    END LOOP;
    IF v_ok THEN
        FOR i IN 1 .. coalesce(array_length(p_rules, 1), 0) LOOP
            IF v_granted[i] > 0 THEN
                UPDATE rate_limit_state s SET tat_ns = v_tat[i] + v_granted[i] * p_increments[i]
                    WHERE s.key_id = p_key AND s.rule = p_rules[i];
            END IF;
        END LOOP;
    ELSE
        FOR i IN 1 .. coalesce(array_length(p_rules, 1), 0) LOOP
            v_granted[i] := 0;
        END LOOP;
    END IF;
    RETURN QUERY SELECT v_ok, v_now, v_tat, v_granted;
END
$$
