// expect: CWE-89
package store

import (
	"database/sql"
	"net/http"
)

func Products(w http.ResponseWriter, r *http.Request, db *sql.DB) {
	sortable := map[string]bool{"name": true, "created_at": true}
	sortable[r.URL.Query().Get("extra")] = true
	sort := r.URL.Query().Get("sort")
	if !sortable[sort] {
		http.Error(w, "unknown sort column", http.StatusBadRequest)
		return
	}
	rows, err := db.Query("SELECT id, name FROM products ORDER BY " + sort)
	if err != nil {
		return
	}
	defer rows.Close()
}
