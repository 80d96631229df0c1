// expect: safe
app.get("/u", (req, res) => {
  const cols = ["id", "name"];
  Object.freeze(cols);
  db.query("SELECT " + cols.join(", ") + " FROM users", (e, r) => res.json(r));
});
