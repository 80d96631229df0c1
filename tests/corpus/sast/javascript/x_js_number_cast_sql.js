// expect: safe
async function byId(pool, id) {
  return pool.query('SELECT * FROM users WHERE id = ' + Number(id));
}
