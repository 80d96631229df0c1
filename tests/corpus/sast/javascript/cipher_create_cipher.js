// expect: CWE-327
const crypto = require('crypto');

function encrypt(password, text) {
  const cipher = crypto.createCipher('aes192', password);
  return cipher.update(text, 'utf8', 'hex') + cipher.final('hex');
}
