// expect: CWE-78
const util = require('util');
const exec = util.promisify(require('child_process').exec);

async function convert(file) {
  const { stdout } = await exec(`ffmpeg -i ${file} out.mp3`);
  return stdout;
}
