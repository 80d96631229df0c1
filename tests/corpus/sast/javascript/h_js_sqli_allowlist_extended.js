// expect: CWE-89
const SORTABLE = ['name', 'created_at'];

function configure(req) {
  SORTABLE.push(req.body.extraColumn);
}

app.get('/products', async (req, res) => {
  const sort = req.query.sort;
  if (!SORTABLE.includes(sort)) {
    return res.status(400).end();
  }
  const { rows } = await pool.query(`SELECT * FROM products ORDER BY ${sort}`);
  res.json(rows);
});
