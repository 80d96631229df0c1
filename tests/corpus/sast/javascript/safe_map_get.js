// expect: safe
const cache = new Map();

function lookup(key) {
  return cache.get(`user:${key}`);
}
