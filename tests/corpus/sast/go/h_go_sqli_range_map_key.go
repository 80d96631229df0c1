// expect: CWE-89
package store

import (
	"database/sql"
	"fmt"
	"net/http"
)

func Filter(db *sql.DB, r *http.Request) (*sql.Rows, error) {
	filters := r.URL.Query()
	q := "SELECT * FROM t WHERE 1=1"
	for k := range filters {
		q += fmt.Sprintf(" AND %s = ?", k)
	}
	return db.Query(q)
}
