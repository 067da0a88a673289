-- wrk script: POST signed Slack slash commands. Bodies and signatures are computed by slack-load.sh (wrk's Lua has no
-- HMAC): either one body in LOAD_BODY/LOAD_SIGNATURE, or a file of "signature<TAB>body" lines in LOAD_FILE (a mix of
-- realistic requests), cycled through in order by each thread.
local timestamp = os.getenv("LOAD_TIMESTAMP")
local mix = {}
local file = os.getenv("LOAD_FILE")
if file and file ~= "" then
  for line in io.lines(file) do
    local sig, body = line:match("^([^\t]+)\t(.*)$")
    if sig then mix[#mix + 1] = { sig = sig, body = body } end
  end
end
if #mix == 0 then
  mix[1] = { sig = os.getenv("LOAD_SIGNATURE"), body = os.getenv("LOAD_BODY") }
end

local next_index = 1
request = function()
  local item = mix[next_index]
  next_index = next_index % #mix + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Slack-Signature"] = item.sig,
    ["X-Slack-Request-Timestamp"] = timestamp,
  }, item.body)
end

local non200 = 0
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d errors=%d (connect %d, read %d, write %d, non-2xx %d, timeout %d)\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.status + e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.status, e.timeout))
end
