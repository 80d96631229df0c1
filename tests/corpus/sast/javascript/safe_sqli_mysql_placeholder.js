// expect: safe
function findProduct(connection, name, cb) {
  connection.query('SELECT * FROM products WHERE name = ?', [name], cb);
}
