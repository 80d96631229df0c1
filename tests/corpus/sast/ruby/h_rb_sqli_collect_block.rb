# expect: CWE-89
class UsersController < ApplicationController
  def search
    where = %w[name email].collect { |c| "#{c} = '#{params[c]}'" }.join(' AND ')
    User.find_by_sql("SELECT * FROM users WHERE #{where}")
  end
end
