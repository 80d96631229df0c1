// expect: CWE-89
package store

import (
	"database/sql"
	"fmt"
)

// `limit` is a number; `sort` is a string the caller passes through.
func Sorted(db *sql.DB, limit int, sort string) (*sql.Rows, error) {
	q := fmt.Sprintf("SELECT id FROM orders ORDER BY %s LIMIT %d", sort, limit)
	return db.Query(q)
}
