-- wrk script: every request goes to a path picked at random from the file named after --
local paths = {}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + id * 7919)
end

function request()
  return wrk.format(nil, paths[math.random(#paths)])
end
