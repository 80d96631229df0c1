// expect: safe
function schedule(fn, delay) {
  setTimeout(fn, delay);
  setTimeout(() => console.log('done'), 1000);
}
