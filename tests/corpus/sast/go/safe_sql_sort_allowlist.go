// expect: safe
package store

import (
	"database/sql"
	"net/http"
	"slices"
)

func Products(w http.ResponseWriter, r *http.Request, db *sql.DB) {
	sortable := map[string]bool{"name": true, "created_at": true}
	sort := r.URL.Query().Get("sort")
	if !sortable[sort] {
		http.Error(w, "unknown sort column", http.StatusBadRequest)
		return
	}
	dir := r.URL.Query().Get("dir")
	if !slices.Contains([]string{"ASC", "DESC"}, dir) {
		http.Error(w, "bad direction", http.StatusBadRequest)
		return
	}
	rows, err := db.Query("SELECT id, name FROM products ORDER BY " + sort + " " + dir)
	if err != nil {
		return
	}
	defer rows.Close()
}
