// expect: safe
async function page(client, req) {
  const limit = Math.min(100, parseInt(req.query.limit, 10) || 20);
  const col = client.escapeIdentifier(req.query.sort || 'id');
  return client.query('SELECT * FROM items ORDER BY ' + col + ' LIMIT ' + limit);
}
