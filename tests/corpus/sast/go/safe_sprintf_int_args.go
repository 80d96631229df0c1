// expect: safe
package store

import (
	"database/sql"
	"fmt"
)

// Typed numbers formatted into SQL: Go keeps them numbers.
func Page(db *sql.DB, limit int, offset int64, archived bool) (*sql.Rows, error) {
	q := fmt.Sprintf("SELECT id FROM orders WHERE archived = %t LIMIT %d OFFSET %d", archived, limit, offset)
	return db.Query(q)
}
