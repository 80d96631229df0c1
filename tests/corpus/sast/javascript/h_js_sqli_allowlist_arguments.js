// expect: CWE-89
const ALLOWED = ["id", "name"];
function list(col, req, res) {
  if (!ALLOWED.includes(col)) return res.status(400).end();
  arguments[0] = req.query.c;
  db.query("SELECT " + col + " FROM users", (e, r) => res.json(r));
}
app.get("/u", (req, res) => list(req.query.sort, req, res));
