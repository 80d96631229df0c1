# expect: safe
require "open3"

def git_log(branch)
  out, _status = Open3.capture2("git", "log", "--oneline", branch)
  out
end
