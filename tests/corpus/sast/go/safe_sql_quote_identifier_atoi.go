// expect: safe
package store

import (
	"database/sql"
	"fmt"
	"strconv"

	"github.com/lib/pq"
)

// A quoted identifier and a parsed number formatted into SQL.
func Page(db *sql.DB, table string, limit string) (*sql.Rows, error) {
	n, err := strconv.Atoi(limit)
	if err != nil {
		return nil, err
	}
	return db.Query(fmt.Sprintf("SELECT * FROM %s LIMIT %d", pq.QuoteIdentifier(table), n))
}
