# expect: safe
def thumbnail(path)
  system("convert", path, "-resize", "100x100", "thumb.png")
end
