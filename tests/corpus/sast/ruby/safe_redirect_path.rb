# expect: safe
def after_login
  redirect_to dashboard_path
end
