// expect: CWE-89
app.get("/u", (req, res) => {
  const cols = ["id", "name"];
  const add = (c) => cols.push(c);
  add(req.query.c);
  db.query("SELECT " + cols.join(", ") + " FROM users", (e, r) => res.json(r));
});
