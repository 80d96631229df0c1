// expect: safe
const ALLOWED = ["id", "name"];
function list(col, req, res) {
  if (arguments.length < 3) throw new Error("usage");
  if (!ALLOWED.includes(col)) return res.status(400).end();
  db.query("SELECT " + col + " FROM users", (e, r) => res.json(r));
}
app.get("/u", (req, res) => list(req.query.sort, req, res));
