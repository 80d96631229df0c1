# expect: safe
def index
  @users = User.where(name: params[:name]).order(created_at: :desc)
end
