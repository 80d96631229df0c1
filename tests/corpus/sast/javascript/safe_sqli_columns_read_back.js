// expect: safe
app.get("/u", (req, res) => {
  const cols = ["id", "name"];
  const marks = [];
  for (const id of req.query.ids) marks.push("?");
  if (cols.includes("x")) cols.pop();
  console.log(cols.length, `${cols}`);
  db.query("SELECT " + cols.join(", ") + " FROM users WHERE id IN (" + marks.join(",") + ")", req.query.ids, (e, r) => res.json(r));
});
