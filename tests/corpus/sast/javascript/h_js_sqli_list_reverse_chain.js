// expect: CWE-89
app.get("/u", (req, res) => {
  const cols = ["id", "name"];
  cols.reverse().push(req.query.c);
  db.query("SELECT " + cols.join(", ") + " FROM users", (e, r) => res.json(r));
});
