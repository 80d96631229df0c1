// expect: safe
const { execFile } = require('child_process');

execFile('convert', [input, '-resize', '50%', output], { shell: false }, done);
