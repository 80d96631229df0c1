// expect: CWE-89
const validator = require('validator');

function tagged(connection, req, cb) {
  const sql = "SELECT * FROM posts WHERE tag = '" + validator.escape(req.query.tag) + "'";
  connection.query(sql, cb);
}
