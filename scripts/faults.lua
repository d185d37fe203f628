-- wrk script for make load-faults: the pages and the stylesheet of load.lua in turn, and a check that every HTML page
-- that comes back is whole (ends with </html>), so a page cut short or read half-written by a rebuild would be counted.
local paths = {
    "/", "/people/", "/people/vladimir-putin/", "/quotes/", "/timeline/", "/topics/", "/about/", "/assets/style.css",
}
local counter = 0
local threads = {}

setup = function(thread)
    table.insert(threads, thread)
end

init = function(args)
    pages = 0
    cut = 0
end

request = function()
    counter = counter + 1
    return wrk.format("GET", paths[(counter % #paths) + 1])
end

response = function(status, headers, body)
    local kind = headers["Content-Type"] or headers["content-type"] or ""
    if status == 200 and kind:find("text/html", 1, true) then
        pages = pages + 1
        if not body:find("</html>%s*$") then cut = cut + 1 end
    end
end

done = function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local checked, incomplete = 0, 0
    for _, thread in ipairs(threads) do
        checked = checked + thread:get("pages")
        incomplete = incomplete + thread:get("cut")
    end
    io.write("\n")
    io.write(string.format("requests:    %d in %.1f s, %.0f requests/s\n", summary.requests, seconds, summary.requests / seconds))
    io.write(string.format("latency:     p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
    local e = summary.errors
    io.write(string.format("errors:      connect %d, read %d, write %d, timeout %d, non-2xx %d\n",
        e.connect, e.read, e.write, e.timeout, e.status))
    io.write(string.format("pages:       %d HTML pages checked, %d not whole\n", checked, incomplete))
end
