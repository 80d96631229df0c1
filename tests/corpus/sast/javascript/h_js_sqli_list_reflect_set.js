// expect: CWE-89
app.get("/u", (req, res) => {
  const cols = ["id", "name"];
  Reflect.set(cols, 0, req.query.c);
  db.query("SELECT " + cols.join(", ") + " FROM users", (e, r) => res.json(r));
});
