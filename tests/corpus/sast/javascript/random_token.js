// expect: CWE-338
function generateResetToken() {
  return Math.random().toString(36).substring(2);
}
