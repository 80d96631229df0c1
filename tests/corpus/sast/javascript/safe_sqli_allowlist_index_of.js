// expect: safe
const SORTABLE = ["name", "email"];
app.get("/u", (req, res) => {
  const sort = req.query.sort;
  if (SORTABLE.indexOf(sort) === -1) return res.status(400).end();
  db.query("SELECT * FROM users ORDER BY " + sort, (e, r) => res.json(r));
});
