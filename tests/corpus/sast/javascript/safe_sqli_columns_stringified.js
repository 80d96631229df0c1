// expect: safe
app.get("/u", (req, res) => {
  const cols = ["id", "name", "email"];
  logger.debug(JSON.stringify(cols));
  db.query("SELECT " + cols.join(", ") + " FROM users WHERE id = ?", [req.query.id], (e, r) => res.json(r));
});
