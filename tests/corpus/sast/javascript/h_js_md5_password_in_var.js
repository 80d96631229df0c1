// expect: CWE-916, CWE-328
const crypto = require('crypto');

function register(user, pwd) {
  const hashed = crypto.createHash('md5').update(pwd).digest('hex');
  return db.insert({ user, hashed });
}
