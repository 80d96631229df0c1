// expect: CWE-347
const jwt = require('jsonwebtoken');

function verify(token) {
  return jwt.verify(token, null, { algorithms: ['none'] });
}
