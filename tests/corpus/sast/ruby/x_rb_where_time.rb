# expect: safe
def recent
  Order.where("created_at > ?", 1.week.ago).order(created_at: :desc)
end
