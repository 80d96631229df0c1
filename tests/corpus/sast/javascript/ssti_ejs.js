// expect: CWE-1336
const ejs = require('ejs');

app.get('/page', (req, res) => {
  res.send(ejs.render('<h1>' + req.query.title + '</h1>'));
});
