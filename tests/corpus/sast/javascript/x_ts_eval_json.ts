// expect: CWE-95
export function parseConfig(raw: string) {
  return eval('(' + raw + ')');
}
