# expect: CWE-22
def download
  send_file Rails.root.join("uploads", params[:filename])
end
