-- The external harness's wrk script (scripts/external-bench.sh): POSTs the body in the file named by
-- BENCH_BODY_FILE with the Authorization header in BENCH_AUTHORIZATION (when set), and at the end
-- prints one parseable line:
--   WRK calls=N seconds=S errors=N status_errors=N p50_us=.. p90_us=.. p99_us=.. max_us=..
-- wrk counts a non-2xx/3xx answer as a status error; the harness treats any error as a failed run.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("BENCH_AUTHORIZATION")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK calls=%d seconds=%.3f errors=%d status_errors=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
