// expect: CWE-78
const { execSync } = require('child_process');

function gitLog(branch) {
  return execSync('git log --oneline ' + branch).toString();
}
