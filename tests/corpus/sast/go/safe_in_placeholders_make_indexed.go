// expect: safe
package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

func ByIDs(db *sql.DB, ids []int64) (*sql.Rows, error) {
	placeholders := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		placeholders[i] = "$" + strconv.Itoa(i+1)
		args[i] = id
	}
	return db.Query("SELECT * FROM t WHERE id IN ("+strings.Join(placeholders, ",")+")", args...)
}
