// expect: CWE-327
const crypto = require('crypto');

function encrypt(key, text) {
  const cipher = crypto.createCipheriv('aes-128-ecb', key, null);
  return cipher.update(text, 'utf8', 'hex') + cipher.final('hex');
}
