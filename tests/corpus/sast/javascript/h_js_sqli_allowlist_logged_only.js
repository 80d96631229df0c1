// expect: CWE-89
const SORTABLE = ['name', 'created_at', 'price'];

app.get('/products', async (req, res) => {
  const sort = req.query.sort;
  if (!SORTABLE.includes(sort)) {
    console.warn('unexpected sort column');
  }
  const { rows } = await pool.query(`SELECT * FROM products ORDER BY ${sort}`);
  res.json(rows);
});
