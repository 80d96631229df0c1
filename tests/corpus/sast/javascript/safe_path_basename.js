// expect: safe
const fs = require('fs');
const path = require('path');

app.get('/file', (req, res) => {
  const name = path.basename(req.query.name);
  res.send(fs.readFileSync(path.join('/srv/uploads', name)));
});
