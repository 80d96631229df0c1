// expect: safe
package store

import (
	"database/sql"
	"strings"
)

func ByIDs(db *sql.DB, ids []any) (*sql.Rows, error) {
	marks := make([]string, 0, len(ids))
	for range ids {
		marks = append(marks, "?")
	}
	return db.Query("SELECT * FROM t WHERE id IN ("+strings.Join(marks, ",")+")", ids...)
}
