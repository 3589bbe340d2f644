-- wrk script: every request goes to a new path <base><prefix>-<i>, i = 0, 1, 2, ... split between the
-- threads (thread t takes t, t + threads, t + 2 * threads, ...), so no path is requested twice.
--   wrk ... -s unique-paths.lua <url> -- <base> <prefix> <count> <threads> [<spares>]
-- count > 0: stop each thread once its share of 0 .. count-1 is sent (a count-bounded run; -d still
-- bounds its time). Requests the event loop still issues after the stop go to the spare paths
-- count .. count+spares-1 (prepare those too). count = 0: unbounded, the run ends at -d.
-- It counts the cache state each response reports (x-isr-cache or x-bench-cache) and prints the totals
-- as one line: BENCH_CACHE {"HIT":n,"STALE":n,"MISS":n,"none":n,"non200":n}
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  base = args[1]
  prefix = args[2]
  count = tonumber(args[3]) or 0
  nthreads = tonumber(args[4]) or 1
  spares = tonumber(args[5]) or 64
  i = tid
  spare = tid
  stopped = false
  hit, stale, miss, none, non200 = 0, 0, 0, 0, 0
end

function request()
  if count > 0 and i >= count then
    if not stopped then
      stopped = true
      wrk.thread:stop()
    end
    local path = base .. prefix .. "-" .. (count + (spare % spares))
    spare = spare + nthreads
    return wrk.format("GET", path)
  end
  local path = base .. prefix .. "-" .. i
  i = i + nthreads
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
  local state = nil
  for name, value in pairs(headers) do
    local lower = string.lower(name)
    if lower == "x-isr-cache" or lower == "x-bench-cache" then
      state = value
    end
  end
  if state == "HIT" then
    hit = hit + 1
  elseif state == "STALE" then
    stale = stale + 1
  elseif state == "MISS" then
    miss = miss + 1
  else
    none = none + 1
  end
end

function done(summary, latency, requests)
  local t = { hit = 0, stale = 0, miss = 0, none = 0, non200 = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(t) do
      t[name] = t[name] + (thread:get(name) or 0)
    end
  end
  io.write(string.format('BENCH_CACHE {"HIT":%d,"STALE":%d,"MISS":%d,"none":%d,"non200":%d}\n',
    t.hit, t.stale, t.miss, t.none, t.non200))
end
