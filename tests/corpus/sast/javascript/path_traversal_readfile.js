// expect: CWE-22
const fs = require('fs');
const path = require('path');

app.get('/file', (req, res) => {
  const p = path.join(__dirname, 'uploads', req.query.name);
  res.send(fs.readFileSync(p));
});
