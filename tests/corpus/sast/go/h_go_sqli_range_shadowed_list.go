// expect: CWE-89
package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
)

func update(db *sql.DB, r *http.Request) {
	row := []string{}
	_ = row
	var rows []map[string]string
	json.NewDecoder(r.Body).Decode(&rows)
	for _, row := range rows {
		for col := range row {
			db.Exec(fmt.Sprintf("UPDATE users SET %s = $1", col), row[col])
		}
	}
}
