// expect: CWE-89
async function search(db, req) {
  const params = req.body.filters || [];
  let sql = 'SELECT * FROM products WHERE 1=1';
  if (req.query.name) {
    params.push(req.query.name);
    sql += ` AND name = $${params.length}`;
  }
  if (req.query.max) {
    params.push(Number(req.query.max));
    sql += ' AND price <= $' + params.length;
  }
  return db.query(sql, params);
}
