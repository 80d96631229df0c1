// expect: CWE-89
function a(db, x, req) {
  const order = x ? req.query.o : 'ASC';
  return db.query(`SELECT * FROM t ORDER BY created ${order}`);
}
function b(db, kind, name) {
  const table = { user: 'users', order: name }[kind];
  return db.query(`SELECT * FROM ${table}`);
}
function c(db, kind, req) {
  const tables = { user: 'users' };
  tables[kind] = req.query.t;
  return db.query(`SELECT * FROM ${tables[kind]}`);
}
