// expect: safe
const TABLE = 'users';

async function count(pool) {
  const { rows } = await pool.query(`SELECT COUNT(*) FROM ${TABLE}`);
  return rows[0].count;
}
