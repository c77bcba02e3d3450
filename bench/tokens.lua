-- wrk script: every request carries a token picked at random from the file named after --
local tokens = {}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  for line in io.lines(args[1]) do
    tokens[#tokens + 1] = line
  end
  math.randomseed(os.time() + id * 7919)
end

function request()
  return wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end
