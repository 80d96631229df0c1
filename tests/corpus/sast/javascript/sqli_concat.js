// expect: CWE-89
const mysql = require('mysql2');
const connection = mysql.createConnection({ host: 'localhost', user: 'app', database: 'shop' });

function findProduct(name, cb) {
  const sql = "SELECT * FROM products WHERE name = '" + name + "'";
  connection.query(sql, cb);
}
