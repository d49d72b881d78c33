-- Per-call timings for finding what slow calls wait for (docs/benchmarks/run-2026-12-04-1930-tails.md).
-- Like wrk-post.lua (BENCH_BODY_FILE, BENCH_AUTHORIZATION), and also writes one line per call to the
-- file named by PERCALL_OUT: "<start ns, CLOCK_MONOTONIC> <latency ns> <status>". CLOCK_MONOTONIC is
-- the clock of `perf sched record -k CLOCK_MONOTONIC` and of the JVM's -Xlog decoration `timenanos`,
-- so slow-calls.py can line each call up with what the scheduler ran and with the JVM's safepoints.
-- Use with one thread and one connection (-t1 -c1): the calls are then strictly one after another.
local ffi = require("ffi")
ffi.cdef [[ typedef struct { long tv_sec; long tv_nsec; } percall_ts; int clock_gettime(int, percall_ts *); ]]
local ts = ffi.new("percall_ts")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000000 + tonumber(ts.tv_nsec)
end
-- The body, the headers and the summary line at the end come from wrk-post.lua, beside this file.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk-post.lua")
local out, n, started = nil, 0, 0
function init(args)
  out = assert(io.open(assert(os.getenv("PERCALL_OUT"), "set PERCALL_OUT"), "w"))
end
function request()
  started = now()
  return wrk.format()
end
function response(status, headers, body)
  local t = now()
  n = n + 1
  out:write(started, " ", t - started, " ", status, "\n")
  if n % 1000 == 0 then out:flush() end
end
