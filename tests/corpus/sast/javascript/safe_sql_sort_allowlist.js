// expect: safe
const SORTABLE = ['name', 'created_at', 'price'];
const DIRECTIONS = new Set(['ASC', 'DESC']);

app.get('/products', async (req, res) => {
  const sort = req.query.sort;
  const dir = String(req.query.dir || 'ASC').toUpperCase();
  if (!SORTABLE.includes(sort)) {
    return res.status(400).json({ error: 'unknown sort column' });
  }
  if (!DIRECTIONS.has(dir)) return res.status(400).json({ error: 'bad direction' });
  const { rows } = await pool.query(`SELECT * FROM products ORDER BY ${sort} ${dir}`);
  res.json(rows);
});

function listUsers(db, order) {
  const column = ['email', 'last_login'].includes(order) ? order : 'email';
  return db.query(`SELECT id, email FROM users ORDER BY ${column}`);
}
