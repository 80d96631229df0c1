// expect: safe
const SORTABLE = ['name', 'created_at', 'price'] as const;
type Sort = typeof SORTABLE[number];

app.get('/products', async (req, res) => {
  const sort = String(req.query.sort);
  if (!(SORTABLE as readonly string[]).includes(sort)) {
    return res.status(400).json({ error: 'unknown sort column' });
  }
  const { rows } = await pool.query(`SELECT * FROM products ORDER BY ${sort}`);
  res.json(rows);
});
