// expect: CWE-78
import { spawn } from 'child_process';

export function run(userCmd: string) {
  return spawn(userCmd, { shell: true });
}
