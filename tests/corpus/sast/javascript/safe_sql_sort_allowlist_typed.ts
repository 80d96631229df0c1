// expect: safe
const SORTABLE: string[] = ['name', 'created_at', 'price'];

app.get('/products', async (req, res) => {
  const sort = req.query.sort as string;
  if (!SORTABLE.includes(sort)) {
    return res.status(400).json({ error: 'unknown sort column' });
  }
  const { rows } = await pool.query(`SELECT * FROM products ORDER BY ${sort}`);
  res.json(rows);
});
