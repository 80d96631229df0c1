// expect: CWE-89
const SORTABLE = ['name', 'created_at', 'price'];

function fail(res, msg) {
  res.status(400).json({ error: msg });
}

app.get('/products', async (req, res) => {
  const sort = req.query.sort;
  if (!SORTABLE.includes(sort)) fail(res, 'unknown sort column');
  const { rows } = await pool.query(`SELECT * FROM products ORDER BY ${sort}`);
  res.json(rows);
});
