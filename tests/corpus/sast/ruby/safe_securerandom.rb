# expect: safe
def generate_token
  self.token = SecureRandom.urlsafe_base64(32)
end
