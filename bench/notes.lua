-- bench/notes.lua: wrk script for bench/notes.sh — the note page's autosave, as PUT /api/v1/session-notes/{id}.
--   BENCH_PATHS    file with note paths (one per line); request i goes to line i mod n
--   BENCH_HEADER   the API token header ("Authorization: Bearer …")
--   BENCH_IF_MATCH 1: send If-Match with the ETag of the previous answer for the same path, as the page does (use
--                  with one connection: wrk gives no connection id, so answers are matched to requests by order)
-- Each body carries all four SOAP fields (~2,000 characters, as a page sends them) with a counter so every save writes.
-- done() prints "BENCH_RESULT {json}" like report.lua; a stale If-Match (412) would count as non-2xx.

local paths, headers, etags = {}, {}, {}
local counter, last = 0, nil
local use_if_match = false
local filler = string.rep("Reports stiffness in the left shoulder after long days at the desk; worse in the morning. ", 5)

function init(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  local name, value = (os.getenv("BENCH_HEADER") or ""):match("^([^:]+):%s*(.*)$")
  if name then headers[name] = value end
  headers["Content-Type"] = "application/json"
  use_if_match = os.getenv("BENCH_IF_MATCH") == "1"
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  last = path
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  if use_if_match and etags[path] then h["If-Match"] = etags[path] end
  local body = string.format(
    '{"subjective":"%s typed %d","objective":"%s","assessment":"%s","plan":"%s"}',
    filler, counter, filler, filler, filler)
  return wrk.format("PUT", path, h, body)
end

function response(status, hdrs, body)
  if last and hdrs["ETag"] then etags[last] = hdrs["ETag"] end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"mean_ms":%.3f,"p50_ms":%.3f,"p90_ms":%.3f,' ..
    '"p95_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"non_2xx_3xx":%d,"socket_errors":%d,"timeouts":%d}\n',
    summary.requests, seconds, summary.requests / seconds, latency.mean / 1000,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status, e.connect + e.read + e.write, e.timeout))
end
