# expect: CWE-89
class ProductsController < ApplicationController
  def index
    sort = params[:sort]
    raise ActionController::BadRequest, 'reserved column' if %w[password token].include?(sort)

    @products = Product.order("#{sort} DESC")
  end
end
