# expect: CWE-338
def generate_token
  self.token = (0...32).map { ('a'..'z').to_a[rand(26)] }.join
end
