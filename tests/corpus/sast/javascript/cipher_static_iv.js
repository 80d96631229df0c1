// expect: CWE-329
const crypto = require('crypto');
const IV = Buffer.alloc(16, 0);

function encrypt(key, text) {
  const cipher = crypto.createCipheriv('aes-256-cbc', key, IV);
  return cipher.update(text, 'utf8', 'hex') + cipher.final('hex');
}
