# expect: safe
class UsersController < ApplicationController
  def index
    col = "name"
    col << " DESC" << ", id"
    User.find_by_sql("SELECT * FROM users ORDER BY #{col}")
  end
end
