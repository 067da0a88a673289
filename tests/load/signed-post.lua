-- wrk script: POST one signed Slack slash command. The body and signature are computed by
-- slack-load.sh (wrk's Lua has no HMAC) and passed through the environment.
wrk.method = "POST"
wrk.body = os.getenv("LOAD_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Slack-Signature"] = os.getenv("LOAD_SIGNATURE")
wrk.headers["X-Slack-Request-Timestamp"] = os.getenv("LOAD_TIMESTAMP")

local non200 = 0
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
