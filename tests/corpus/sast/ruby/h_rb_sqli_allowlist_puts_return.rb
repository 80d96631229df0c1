# expect: CWE-89
class ProductsController < ApplicationController
  def index
    sort = params[:sort]
    puts "bad sort" and return unless %w[name created_at].include?(sort)
    @products = Product.order("#{sort} DESC")
  end
end
