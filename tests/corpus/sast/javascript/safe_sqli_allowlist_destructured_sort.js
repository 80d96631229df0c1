// expect: safe
const SORTABLE = ["name", "email"];
app.get("/u", (req, res) => {
  const { s: sort = "name", dir } = req.query;
  if (!SORTABLE.includes(sort)) return res.status(400).end();
  db.query("SELECT * FROM users ORDER BY " + sort, (e, r) => res.json(r));
});
