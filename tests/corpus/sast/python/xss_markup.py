# expect: CWE-79
from markupsafe import Markup

def render_comment(comment):
    return Markup("<div class='c'>" + comment.text + "</div>")
