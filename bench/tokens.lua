-- wrk script: every request carries a token picked from the file named after --, at random, or with `zipf` after the
-- file with Zipf popularity (exponent 0.99, as YCSB: the first line most often, line k 1/k^0.99 as often); with
-- `path` after the file, every request goes to a path picked at random from it instead
local lines = {}
local mode = ""
local threads = 0
local cdf = nil

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  for line in io.lines(args[1]) do
    lines[#lines + 1] = line
  end
  mode = args[2] or ""
  math.randomseed(os.time() + id * 7919)
  if mode == "zipf" then
    cdf = {}
    local sum = 0
    for k = 1, #lines do
      sum = sum + 1 / k ^ 0.99
      cdf[k] = sum
    end
    for k = 1, #lines do
      cdf[k] = cdf[k] / sum
    end
  end
end

local function zipf_pick()
  local u = math.random()
  local low, high = 1, #cdf
  while low < high do
    local mid = math.floor((low + high) / 2)
    if cdf[mid] < u then low = mid + 1 else high = mid end
  end
  return lines[low]
end

function request()
  if mode == "path" then
    return wrk.format(nil, lines[math.random(#lines)])
  end
  local token = mode == "zipf" and zipf_pick() or lines[math.random(#lines)]
  return wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. token })
end
