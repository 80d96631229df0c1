// expect: CWE-918
const axios = require('axios');

app.get('/fetch', async (req, res) => {
  const r = await axios.get(req.query.url);
  res.send(r.data);
});
