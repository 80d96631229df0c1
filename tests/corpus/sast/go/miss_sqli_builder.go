// expect: CWE-89
package main

import (
	"database/sql"
	"net/http"
	"strings"
)

var db *sql.DB

func find(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString("SELECT * FROM users WHERE name = '")
	b.WriteString(r.URL.Query().Get("name"))
	b.WriteString("'")
	rows, _ := db.Query(b.String())
	defer rows.Close()
}
