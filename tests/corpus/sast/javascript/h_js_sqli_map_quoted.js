// expect: CWE-89
function a(db, ids) {
  const list = ids.map(id => `'${id}'`).join(',');
  return db.query(`SELECT * FROM t WHERE id IN (${list})`);
}
function b(db, ids) {
  const list = ids.map((x, i) => x + i).join(',');
  return db.query('SELECT * FROM t WHERE id IN (' + list + ')');
}
function c(db, req) {
  const list = new Array(3).fill(req.query.x).join(',');
  return db.query('SELECT * FROM t WHERE id IN (' + list + ')');
}
function d(db, names) {
  const list = names.fill('?', 0, 1).join(',');
  return db.query('SELECT * FROM t WHERE id IN (' + list + ')');
}
function e(db, ids) {
  const list = ids.map((x, i) => { i = x; return '$' + i; }).join(',');
  return db.query('SELECT * FROM t WHERE id IN (' + list + ')');
}
