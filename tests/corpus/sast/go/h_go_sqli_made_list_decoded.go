// expect: CWE-89
package main

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
)

func list(db *sql.DB, w http.ResponseWriter, r *http.Request) {
	fields := make([]string, 0)
	if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
		http.Error(w, "bad", 400)
		return
	}
	rows, _ := db.Query("SELECT " + strings.Join(fields, ", ") + " FROM users")
	defer rows.Close()
}
