// expect: safe
const { Pool } = require('pg');
const pool = new Pool();

async function getUser(id) {
  const { rows } = await pool.query('SELECT * FROM users WHERE id = $1', [id]);
  return rows[0];
}
