# expect: safe
class ProductsController < ApplicationController
  SORTS = %w[name created_at].freeze

  def index
    sort = params[:sort]
    raise ActionController::BadRequest unless SORTS.include?(sort)
    @products = Product.order("#{sort} DESC")
  end
end
