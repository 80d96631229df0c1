// expect: CWE-89
app.get("/u", (req, res) => {
  const cols = ["id", "name"];
  cols.forEach((v, i, arr) => { arr[i] = req.query.c; });
  db.query("SELECT " + cols.join(", ") + " FROM users", (e, r) => res.json(r));
});
