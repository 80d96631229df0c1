// expect: CWE-89
package store

import (
	"database/sql"
	"net/http"
	"strconv"
	"strings"
)

func ByIDs(db *sql.DB, r *http.Request, ids []int64) (*sql.Rows, error) {
	placeholders := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		placeholders[i] = "$" + strconv.Itoa(i+1)
		args[i] = id
	}
	if col := r.URL.Query().Get("match"); col != "" {
		placeholders[0] = col
	}
	return db.Query("SELECT * FROM t WHERE id IN ("+strings.Join(placeholders, ",")+")", args...)
}
