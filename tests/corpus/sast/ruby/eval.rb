# expect: CWE-95
def calculate
  render plain: eval(params[:expr]).to_s
end
