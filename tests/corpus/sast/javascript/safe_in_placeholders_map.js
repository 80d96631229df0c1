// expect: safe
function f(db, ids) {
  const placeholders = ids.map(() => '?').join(',');
  return db.query(`SELECT * FROM t WHERE id IN (${placeholders})`, ids);
}
function g(db, ids) {
  const placeholders = ids.map((_, i) => `$${i + 1}`).join(', ');
  return db.query(`SELECT * FROM t WHERE id IN (${placeholders})`, ids);
}
function h(db, ids) {
  const placeholders = new Array(ids.length).fill('?').join(',');
  return db.query('SELECT * FROM t WHERE id IN (' + placeholders + ')', ids);
}
