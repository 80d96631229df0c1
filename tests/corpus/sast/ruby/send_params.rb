# expect: CWE-470
def show
  @report = Report.send(params[:type])
end
