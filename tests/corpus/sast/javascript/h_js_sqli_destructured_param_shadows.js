// expect: CWE-89
const sort = "id";
function list({ sort }, res) {
  db.query("SELECT * FROM users ORDER BY " + sort, (e, r) => res.json(r));
}
app.get("/u", (req, res) => list(req.query, res));
