# expect: CWE-89
class ProductsController < ApplicationController
  def index
    sort = params[:sort]
    raise ArgumentError, 'unknown sort column' unless %w[name created_at].include?(sort)
    @products = Product.order("#{sort} DESC")
  rescue ArgumentError
    @products = Product.where("category = '#{sort}'")
  end
end
