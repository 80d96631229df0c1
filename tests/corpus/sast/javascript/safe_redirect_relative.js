// expect: safe
app.get('/go', (req, res) => {
  const next = req.query.next || '/';
  if (!next.startsWith('/') || next.startsWith('//')) return res.redirect('/');
  res.redirect(next);
});
