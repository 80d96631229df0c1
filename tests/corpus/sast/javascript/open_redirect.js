// expect: CWE-601
app.get('/go', (req, res) => {
  res.redirect(req.query.next);
});
