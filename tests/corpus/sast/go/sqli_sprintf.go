// expect: CWE-89
package main

import (
	"database/sql"
	"fmt"
	"net/http"
)

func getUser(db *sql.DB, w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	row := db.QueryRow(fmt.Sprintf("SELECT name FROM users WHERE id = %s", id))
	var name string
	row.Scan(&name)
	fmt.Fprintln(w, name)
}
