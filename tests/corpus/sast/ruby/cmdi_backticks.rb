# expect: CWE-78
def whois(domain)
  `whois #{domain}`
end
