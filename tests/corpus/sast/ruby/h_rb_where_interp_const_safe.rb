# expect: safe
STATUS = "active"

def active_users
  User.where("status = '#{STATUS}'")
end
