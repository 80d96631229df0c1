# expect: CWE-918
require "open-uri"

def fetch_avatar
  URI.open(params[:avatar_url]).read
end
