// expect: safe
package export

import "database/sql"

func export(db *sql.DB) {
	for _, col := range []string{"email", "phone"} {
		db.Query("SELECT " + col + " FROM users")
	}
}
