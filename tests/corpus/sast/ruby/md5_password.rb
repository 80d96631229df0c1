# expect: CWE-916, CWE-328
def encrypt_password(password)
  Digest::MD5.hexdigest(password)
end
