// expect: safe
const re = /(\d+)-(\d+)/;

function parseRange(input) {
  const m = re.exec(input);
  return m ? [Number(m[1]), Number(m[2])] : null;
}
