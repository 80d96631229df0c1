# expect: safe
class ProductsController < ApplicationController
  def index
    sort = params[:sort]
    raise ActionController::BadRequest, 'unknown sort column' unless %w[name created_at].include?(sort)

    @products = Product.order("#{sort} DESC")
  end
end
