// expect: CWE-95
function compileRule(ruleSource) {
  return new Function('input', ruleSource);
}
