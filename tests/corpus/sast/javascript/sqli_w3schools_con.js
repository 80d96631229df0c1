// expect: CWE-89
// The Node/MySQL tutorial shape that answers copy: a connection named `con`.
var mysql = require('mysql');
var con = mysql.createConnection({ host: "localhost", user: "me", password: "", database: "mydb" });

function byAddress(adr, cb) {
  var sql = "SELECT * FROM customers WHERE address = '" + adr + "'";
  con.query(sql, cb);
}
