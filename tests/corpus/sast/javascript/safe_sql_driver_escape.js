// expect: safe
const { Client } = require('pg');
const mysql = require('mysql');

async function sortedUsers(client, req) {
  const column = client.escapeIdentifier(req.query.sort || 'name');
  const { rows } = await client.query(`SELECT id, name FROM users ORDER BY ${column}`);
  return rows;
}

function tagged(connection, req, cb) {
  const sql = 'SELECT * FROM posts WHERE tag = ' + connection.escape(req.query.tag) + ' ORDER BY ' + mysql.escapeId(req.query.sort);
  connection.query(sql, cb);
}
