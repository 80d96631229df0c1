// expect: CWE-89
app.post("/search", async (req, res) => {
  let tags = [];
  ({ tags } = req.body);
  const sql = "SELECT * FROM posts LIMIT " + tags.length;
  res.json(await db.query(sql));
});
