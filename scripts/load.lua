-- wrk script for make load: spreads the requests over several kinds of page and the stylesheet, and checks that
-- every one of them is answered 200.
local paths = {
    "/", "/people/", "/people/vladimir-putin/", "/quotes/", "/timeline/", "/topics/", "/about/", "/assets/style.css",
}
local counter = 0

request = function()
    counter = counter + 1
    return wrk.format("GET", paths[(counter % #paths) + 1])
end

done = function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    io.write("\n")
    io.write(string.format("requests:    %d in %.1f s, %.0f requests/s\n", summary.requests, seconds, summary.requests / seconds))
    io.write(string.format("latency:     p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
    local e = summary.errors
    io.write(string.format("errors:      connect %d, read %d, write %d, timeout %d, non-2xx %d\n",
        e.connect, e.read, e.write, e.timeout, e.status))
end
