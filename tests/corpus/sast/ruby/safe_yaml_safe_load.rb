# expect: safe
def settings
  YAML.safe_load(File.read("config/settings.yml"), permitted_classes: [Symbol])
end
