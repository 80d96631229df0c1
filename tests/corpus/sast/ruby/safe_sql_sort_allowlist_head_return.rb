# expect: safe
class ProductsController < ApplicationController
  def index
    sort = params[:sort]
    head :bad_request and return unless %w[name created_at].include?(sort)
    @products = Product.order("#{sort} DESC")
  end
end
