-- Team mode (docs/TEAM.md): a call's rate-limit places taken in one round trip, all of its rules or none.
-- Rules arrive sorted by name, so daemons lock a key's rows in one order and never deadlock. A request rule
-- (increment > 0) locks its row, a token rule (increment 0) is only read: its tokens are added when calls end.
-- The steps are taken only when every rule admits; each rule's TAT before the call is returned either way,
-- timed by the database's clock. Commits without waiting for the disk (synchronous_commit off, for this
-- transaction only): a database crash may forget the last moments of rate-limit state, which errs towards
-- admitting a few calls again.
CREATE OR REPLACE FUNCTION aegis_rate_limit_admit(p_key TEXT, p_rules TEXT[], p_increments BIGINT[], p_windows BIGINT[])
RETURNS TABLE (admitted BOOLEAN, now_ns BIGINT, tat_ns BIGINT[])
LANGUAGE plpgsql AS $$
DECLARE
    v_now BIGINT := (extract(epoch from statement_timestamp()) * 1000000000)::bigint;
    v_tat BIGINT[] := p_increments;
    v_ok BOOLEAN := true;
    v_cur BIGINT;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR i IN 1 .. coalesce(array_length(p_rules, 1), 0) LOOP
        v_cur := NULL;
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
        IF v_tat[i] + p_increments[i] - v_now > p_windows[i] THEN
            v_ok := false;
        END IF;
    END LOOP;
    IF v_ok THEN
        FOR i IN 1 .. coalesce(array_length(p_rules, 1), 0) LOOP
            IF p_increments[i] > 0 THEN
                UPDATE rate_limit_state s SET tat_ns = v_tat[i] + p_increments[i] WHERE s.key_id = p_key AND s.rule = p_rules[i];
            END IF;
        END LOOP;
    END IF;
    RETURN QUERY SELECT v_ok, v_now, v_tat;
END
$$
