// expect: CWE-95
function schedule(action, delay) {
  setTimeout("run('" + action + "')", delay);
}
