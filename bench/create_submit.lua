-- wrk script: a deputy creates a suggestion, then submits it. Each
-- thread keeps the ids it created and submits them on its next requests,
-- so half the requests create and half submit; at the end it prints how
-- many suggestions went all the way through.
local created = {}
counts = {create = 0, submit = 0, failed = 0}
local threads = {}
local body = '{"title":"关于增设社区老年助餐点的建议","content":"社区老年人口多，建议增设助餐点。",' ..
  '"category":"社会保障","term":"第十八届","timing":"during_session"}'

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {create = 0, submit = 0, failed = 0}
end

-- wrk.format takes the headers given instead of those from -H: keep
-- those (the token) and add the content type.
local function headers()
  local h = {}
  for k, v in pairs(wrk.headers) do
    h[k] = v
  end
  h["Content-Type"] = "application/json"
  return h
end

function request()
  local id = table.remove(created)
  if id then
    return wrk.format("POST", "/api/v1/suggestions/" .. id .. "/submit", headers(), "{}")
  end
  return wrk.format("POST", "/api/v1/suggestions", headers(), body)
end

function response(status, headers, resp)
  if status == 201 then
    local id = string.match(resp, '"id":"([0-9a-f%-]+)"')
    if id then
      table.insert(created, id)
      counts.create = counts.create + 1
    end
  elseif status == 200 then
    counts.submit = counts.submit + 1
  else
    counts.failed = counts.failed + 1
  end
end

function done(summary, latency, requests)
  local create, submit, failed = 0, 0, 0
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    create = create + c.create
    submit = submit + c.submit
    failed = failed + c.failed
  end
  local secs = summary.duration / 1e6
  io.write(string.format("bench: %d created, %d submitted (%.0f suggestions/s through create + submit), %d refused\n",
    create, submit, submit / secs, failed))
end
