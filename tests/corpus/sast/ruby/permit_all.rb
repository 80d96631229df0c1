# expect: CWE-915
def user_params
  params.require(:user).permit!
end
