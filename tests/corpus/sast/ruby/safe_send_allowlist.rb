# expect: safe
ALLOWED = %w[daily weekly].freeze

def show
  type = params[:type]
  raise ActionController::BadRequest unless ALLOWED.include?(type)
  @report = Report.send(type)
end
