// expect: safe
app.post('/login', async (req, res) => {
  const user = await User.findOne({ username: String(req.body.username) });
  res.json({ found: !!user });
});
