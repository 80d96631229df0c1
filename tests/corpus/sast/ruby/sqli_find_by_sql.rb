# expect: CWE-89
def self.search(term)
  find_by_sql("SELECT * FROM products WHERE title LIKE '%" + term + "%'")
end
