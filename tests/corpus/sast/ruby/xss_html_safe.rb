# expect: CWE-79
def bio_html(user)
  "<div class='bio'>#{user.bio}</div>".html_safe
end
