// expect: CWE-89
const SORTABLE = ["name", "email", "created_at"];
app.get("/users", async (req, res) => {
  let sort = req.query.sort;
  const fallback = () => { sort = req.query.fallback || "name"; };
  if (!SORTABLE.includes(sort)) return res.status(400).end();
  if (req.query.useFallback) fallback();
  const rows = await db.query(`SELECT * FROM users ORDER BY ${sort}`);
  res.json(rows);
});
