// expect: CWE-89
package p

import "database/sql"

var name string

func d(db *sql.DB, x int) {
	switch x {
	case 1:
		var name int64
		_ = name
	default:
		db.Query("SELECT * FROM t WHERE n = '" + name + "'")
	}
}
