-- wrk script for bench/appeals_intake.py: POST /api/v1/appeals/ with a different text and
-- phone number on every request (so nothing is merged as a duplicate); prints latency
-- percentiles and status counts as one line the benchmark parses.
local counter = 0
local thread_id = 0
statuses = {}
local threads = {}

function setup(thread)
   thread_id = thread_id + 1
   thread:set("id", thread_id)
   table.insert(threads, thread)
end

function init(args)
   math.randomseed(os.time() + id * 7919)
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["X-API-Key"] = os.getenv("QINQING_BENCH_KEY")
   topics = {"稳岗补贴发放进度", "厂房消防验收", "电力增容申请", "出口退税进度", "道路施工影响经营", "人才公寓申请条件"}
end

function request()
   counter = counter + 1
   local topic = topics[math.random(#topics)]
   local phone = string.format("13%d%08d", math.random(0, 9), math.random(0, 99999999))
   local body = string.format(
      '{"title":"关于%s的诉求 %d-%d","content":"压测诉求 %d-%d-%d：%s，请协助办理。企业编号%d。","channel":"api","contact_phone":"%s"}',
      topic, id, counter, id, counter, math.random(1, 1000000000), topic, math.random(1, 100000000), phone)
   return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local codes = {}
   for _, thread in ipairs(threads) do
      local per_thread = thread:get("statuses")
      for status, count in pairs(per_thread) do
         codes[status] = (codes[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(codes) do table.insert(parts, status .. "=" .. count) end
   io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f socket_errors=%d statuses=%s\n",
      summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      table.concat(parts, ",")))
end
