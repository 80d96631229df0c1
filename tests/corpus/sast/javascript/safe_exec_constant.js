// expect: safe
const { exec } = require('child_process');

exec('npm run build', (err) => {
  if (err) process.exit(1);
});
