// expect: CWE-89
const express = require('express');
const { Pool } = require('pg');
const pool = new Pool();
const app = express();

app.get('/users/:id', async (req, res) => {
  const result = await pool.query(`SELECT * FROM users WHERE id = ${req.params.id}`);
  res.json(result.rows);
});
