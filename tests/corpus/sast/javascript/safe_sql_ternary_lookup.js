// expect: safe
function a(db, sort) {
  const order = sort === 'asc' ? 'ASC' : 'DESC';
  return db.query(`SELECT * FROM t ORDER BY created ${order}`);
}
function b(db, req) {
  const limit = parseInt(req.query.limit, 10);
  return db.query(`SELECT * FROM t LIMIT ${limit}`);
}
function c(db, req) {
  return db.query(`SELECT * FROM t LIMIT ${Number(req.query.limit) || 10}`);
}
function d(db, kind) {
  const table = { user: 'users', order: 'orders' }[kind];
  return db.query(`SELECT * FROM ${table}`);
}
