// expect: safe
var mysql = require('mysql');
var con = mysql.createConnection({ host: "localhost", user: "me", password: "", database: "mydb" });

function byAddress(adr, cb) {
  con.query("SELECT * FROM customers WHERE address = ?", [adr], cb);
}
