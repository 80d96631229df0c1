// expect: CWE-89
const SORTABLE = ['name', 'created_at', 'price'];

app.post('/products', async (req, res) => {
  let sort = req.query.sort;
  if (!SORTABLE.includes(sort)) {
    return res.status(400).json({ error: 'unknown sort column' });
  }
  ({ sort } = req.body);
  const { rows } = await pool.query(`SELECT * FROM products ORDER BY ${sort}`);
  res.json(rows);
});
