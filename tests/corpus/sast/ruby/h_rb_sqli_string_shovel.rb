# expect: CWE-89
class UsersController < ApplicationController
  def index
    col = "name"
    col << params[:x]
    User.find_by_sql("SELECT * FROM users ORDER BY #{col}")
  end
end
