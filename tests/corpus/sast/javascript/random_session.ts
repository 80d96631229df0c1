// expect: CWE-338
const sessionId: string = Math.random().toString(36).slice(2) + Date.now();
