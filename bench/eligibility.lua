-- wrk script for bench/eligibility.py: GET /api/v1/integrity/eligibility with a random credit code
-- from the file QINQING_BENCH_CODES (one per line; listed parties and clean ones mixed) and a random
-- activity; or, with QINQING_BENCH_PATH set, that fixed path (the trivial JSON endpoint). Prints one
-- RESULT line the benchmark parses.
local threads = {}
local codes = {}
local activities = {"public_resource_trading", "procurement", "construction_bidding", "fiscal_subsidy", "loan",
                    "social_organization_registration", "association_office", "honour", "political_arrangement"}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   math.randomseed(os.time() + id * 7919)
   wrk.headers["X-API-Key"] = os.getenv("QINQING_BENCH_KEY")
   wrk.headers["X-Forwarded-Proto"] = "https"  -- as the TLS proxy in front of gunicorn sends it (production mode)
   fixed = os.getenv("QINQING_BENCH_PATH")
   if not fixed then
      for line in io.lines(os.getenv("QINQING_BENCH_CODES")) do codes[#codes + 1] = line end
   end
   statuses = {}
   sample = {}
   answered = 0
end

-- QINQING_BENCH_DELAY_MS: each connection waits that long after an answer before its next request, so that
-- the 32 connections offer a set rate (about connections / (delay + latency)) instead of all they can.
local pause = tonumber(os.getenv("QINQING_BENCH_DELAY_MS") or "")
if pause then
   function delay() return pause end
end

function request()
   if fixed then return wrk.format("GET", fixed) end
   local code = codes[math.random(#codes)]
   local activity = activities[math.random(#activities)]
   return wrk.format("GET", "/api/v1/integrity/eligibility?uscc=" .. code .. "&activity=" .. activity)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status == 200 and not fixed then
      answered = answered + 1
      if answered % 100 == 1 then  -- every 100th check id, verified by the benchmark afterwards
         sample[#sample + 1] = body:match('"check_id": "(%x+)"')
      end
   end
end

function done(summary, latency, requests)
   local codes_seen = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do codes_seen[status] = (codes_seen[status] or 0) + count end
   end
   local parts = {}
   for status, count in pairs(codes_seen) do table.insert(parts, status .. "=" .. count) end
   local ids = os.getenv("QINQING_BENCH_SAMPLE")
   if ids and not os.getenv("QINQING_BENCH_PATH") then
      local out = io.open(ids, "w")
      for _, thread in ipairs(threads) do
         for _, check_id in ipairs(thread:get("sample")) do out:write(check_id, "\n") end
      end
      out:close()
   end
   io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d statuses=%s\n",
      summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, table.concat(parts, ",")))
end
