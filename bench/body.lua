-- wrk script: every request POSTs 1 MB, streamed through the gateway to the upstream
wrk.method = "POST"
wrk.body = string.rep("x", 1024 * 1024)
wrk.headers["Content-Type"] = "application/octet-stream"
