// expect: CWE-89
const name = 'name';
function a(db, req) {
  const list = req.body.names.map(name => `'${name}'`).join(',');
  return db.query(`SELECT * FROM users WHERE name IN (${list})`);
}
