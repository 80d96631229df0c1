// expect: CWE-614
const session = require('express-session');
app.use(session({
  secret: process.env.SESSION_SECRET,
  cookie: { secure: false, httpOnly: false },
}));
