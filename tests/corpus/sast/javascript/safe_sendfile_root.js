// expect: safe
app.get('/download/:file', (req, res) => {
  res.sendFile(req.params.file, { root: '/srv/files' });
});
