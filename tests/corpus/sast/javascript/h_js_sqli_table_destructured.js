// expect: CWE-89
const sortMap = { name: 'name', date: 'created_at' };
app.get('/list', (req, res) => {
  const { sortMap } = req.body;
  db.query('SELECT * FROM t ORDER BY ' + sortMap[req.query.s]);
});
