// expect: CWE-89
app.get("/u", (req, res) => {
  const cols = ["id", "name"];
  const a = cols || [];
  a.push(req.query.c);
  db.query("SELECT " + cols.join(", ") + " FROM users", (e, r) => res.json(r));
});
