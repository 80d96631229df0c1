# expect: CWE-79
module CommentsHelper
  def render_comment(comment)
    raw(comment.body)
  end
end
