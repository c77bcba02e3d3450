-- wrk script: every request carries a token picked at random from the file named after --; with `path` after the
-- file, every request goes to a path picked at random from it instead
local lines = {}
local as_path = false
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  for line in io.lines(args[1]) do
    lines[#lines + 1] = line
  end
  as_path = args[2] == "path"
  math.randomseed(os.time() + id * 7919)
end

function request()
  local line = lines[math.random(#lines)]
  if as_path then
    return wrk.format(nil, line)
  end
  return wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. line })
end
