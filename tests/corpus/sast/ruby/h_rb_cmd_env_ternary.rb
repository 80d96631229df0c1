# expect: CWE-78
def run
  system("ls " + ENV["DIR"])
end
def run2(params)
  cmd = params[:x] ? params[:cmd] : "ls"
  system(cmd + " -l")
end
