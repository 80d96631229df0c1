// expect: safe
package main

import (
	"database/sql"
	"net/http"
	"strings"
)

var db *sql.DB

func find(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString("SELECT * FROM users WHERE name = $1")
	b.WriteString(" AND active")
	rows, _ := db.Query(b.String(), r.URL.Query().Get("name"))
	defer rows.Close()
}
