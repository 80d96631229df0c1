// expect: CWE-89
const _ = require('lodash');
function a(db, req) {
  return Promise.all(_.map(req.body, (value, key) => db.query(`UPDATE settings SET ${key} = ?`, [value])));
}
