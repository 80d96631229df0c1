# expect: CWE-89
def index
  @posts = Post.order("#{params[:sort]} #{params[:dir]}")
end
