// expect: safe
const { execFile } = require('child_process');

function gitLog(branch, cb) {
  execFile('git', ['log', '--oneline', branch], cb);
}
