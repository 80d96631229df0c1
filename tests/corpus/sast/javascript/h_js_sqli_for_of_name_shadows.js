// expect: CWE-89
const col = "name";
app.get("/export", (req, res) => {
  for (const col of [].concat(req.query.cols)) {
    db.query("SELECT " + col + " FROM users");
  }
});
