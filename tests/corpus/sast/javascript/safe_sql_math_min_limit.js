// expect: safe
async function page(client, req) {
  const limit = Math.min(100, parseInt(req.query.limit, 10) || 20);
  return client.query('SELECT * FROM items ORDER BY id LIMIT ' + limit);
}
