// expect: safe
function parseConfig(text) {
  return JSON.parse(text);
}
