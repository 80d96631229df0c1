// expect: safe
const col = "name";
app.get("/export", (req, res) => {
  for (const col of ["email", "phone"]) {
    db.query("SELECT " + col + " FROM users");
  }
});
