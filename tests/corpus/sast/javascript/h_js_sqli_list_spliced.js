// expect: CWE-89
app.get("/u", (req, res) => {
  const cols = ["id", "name"];
  cols.splice(0, 1, req.query.c);
  db.query("SELECT " + cols.join(", ") + " FROM users", (e, r) => res.json(r));
});
