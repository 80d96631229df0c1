# expect: CWE-89
class UsersController < ApplicationController
  def index
    cols = ["id", "name"]
    cols.count { |x| x << params[:c] }
    User.find_by_sql("SELECT #{cols.join(", ")} FROM users")
  end
end
