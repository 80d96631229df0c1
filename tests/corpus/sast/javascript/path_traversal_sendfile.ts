// expect: CWE-22
import express from 'express';
const app = express();

app.get('/download/:file', (req, res) => {
  res.sendFile('/srv/files/' + req.params.file);
});
