# expect: safe
def divider
  "<hr class='sep'>".html_safe
end
