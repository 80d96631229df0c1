// expect: CWE-89
package p

import (
	"database/sql"
	"strings"
)

func F(db *sql.DB, name string) {
	db.Query("SELECT * FROM t WHERE id IN (" + strings.Repeat(name, 3) + ")")
}

func G(db *sql.DB, names []string) {
	db.Query("SELECT * FROM t WHERE id IN (" + strings.Join(names, ",") + ")")
}
