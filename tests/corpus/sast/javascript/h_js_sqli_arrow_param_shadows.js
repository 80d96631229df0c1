// expect: CWE-89
const sort = "id";
app.get("/u", (req, res) => {
  [req.query.sort].forEach(sort => db.query("SELECT * FROM users ORDER BY " + sort));
});
