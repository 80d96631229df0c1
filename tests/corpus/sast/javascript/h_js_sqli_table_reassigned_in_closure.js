// expect: CWE-89
let sortMap = { name: 'name', date: 'created_at' };
app.post('/config', (req, res) => { sortMap = req.body; res.end(); });
app.get('/list', (req, res) => {
  db.query('SELECT * FROM t ORDER BY ' + sortMap[req.query.s]);
});
