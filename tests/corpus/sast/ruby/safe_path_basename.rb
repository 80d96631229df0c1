# expect: safe
def download
  name = File.basename(params[:filename])
  send_file Rails.root.join("uploads", name)
end
