// expect: CWE-89
package store

import (
	"database/sql"
	"net/http"
)

func Products(w http.ResponseWriter, r *http.Request, db *sql.DB) {
	sortable := map[string]bool{"name": true, "created_at": true}
	sort := r.URL.Query().Get("sort")
	p := &sort
	if !sortable[sort] {
		http.Error(w, "unknown sort column", http.StatusBadRequest)
		return
	}
	*p = r.URL.Query().Get("raw")
	rows, _ := db.Query("SELECT id, name FROM products ORDER BY " + sort)
	defer rows.Close()
}
