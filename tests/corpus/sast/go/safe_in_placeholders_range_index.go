// expect: safe
package store

import (
	"database/sql"
	"fmt"
)

func ByIDs(db *sql.DB, ids []any) (*sql.Rows, error) {
	q := "SELECT * FROM t WHERE id IN ("
	for i := range ids {
		if i > 0 {
			q += ","
		}
		q += fmt.Sprintf("$%d", i+1)
	}
	return db.Query(q+")", ids...)
}
