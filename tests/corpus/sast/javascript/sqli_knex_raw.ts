// expect: CWE-89
import knex from 'knex';
const db = knex({ client: 'pg' });

export async function byEmail(email: string) {
  return db.raw("select * from users where email = '" + email + "'");
}
