// expect: safe
package p

import (
	"database/sql"
	"strings"
)

func F(db *sql.DB, ids []any) {
	placeholders := strings.Repeat("?,", len(ids)-1) + "?"
	db.Query("SELECT * FROM t WHERE id IN ("+placeholders+")", ids...)
}
