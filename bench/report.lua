-- bench/report.lua: wrk script for bench/run.sh.
--   BENCH_PATHS   file with one request path per line; each thread walks the list from its own offset.
--                 A line may add a tab and its own header ("path<TAB>Authorization: Bearer ..."): the spread runs.
--   BENCH_HEADER  one request header for every line, "Name: value" (the API token or the session cookie)
-- done() prints one line "BENCH_RESULT {json}" with wrk's own latency percentiles (milliseconds) and counts.

local paths = {}
local line_headers = {}
local counter = 0
local headers = {}

local function header_pair(text)
  return text:match("^([^:]+):%s*(.*)$")
end

local function load_paths()
  local file = os.getenv("BENCH_PATHS")
  if file then
    for line in io.lines(file) do
      if #line > 0 then
        local path, header = line:match("^([^\t]+)\t(.+)$")
        if path then
          local name, value = header_pair(header)
          paths[#paths + 1] = path
          line_headers[#paths] = { [name] = value }
        else
          paths[#paths + 1] = line
        end
      end
    end
  end
  if #paths == 0 then paths[1] = "/" end
end

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  load_paths()
  counter = (id or 0) * 7919
  local header = os.getenv("BENCH_HEADER")
  if header and #header > 0 then
    local name, value = header_pair(header)
    headers[name] = value
  end
end

function request()
  counter = counter + 1
  local i = (counter % #paths) + 1
  return wrk.format("GET", paths[i], line_headers[i] or headers)
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
