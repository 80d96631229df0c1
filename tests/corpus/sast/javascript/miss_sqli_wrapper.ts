// expect: CWE-89
async function run(sql: string) {
  return pool.query(sql);
}

export const byName = (name: string) => run("SELECT * FROM users WHERE name = '" + name + "'");
