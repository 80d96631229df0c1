// expect: CWE-89
async function byIds(db, req, ids) {
  const marks = new Array(ids.length).fill('?');
  if (req.query.raw) {
    marks[0] = req.query.raw;
  }
  return db.query(`SELECT * FROM t WHERE id IN (${marks.join(',')})`, ids);
}
