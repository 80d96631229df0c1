// expect: CWE-347
import jwt from 'jsonwebtoken';

export function currentUser(token: string) {
  const payload = jwt.decode(token) as { sub: string };
  return payload.sub;
}
