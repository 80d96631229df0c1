// expect: CWE-89
package main

import (
	"database/sql"
	"net/http"
)

func list(db *sql.DB, r *http.Request) {
	arr := []string{"users", "orders"}
	copy(arr, []string{r.FormValue("t")})
	db.Query("SELECT * FROM " + arr[0])
	arr2 := []string{"users", "orders"}
	p := &arr2[0]
	*p = r.FormValue("t")
	db.Query("SELECT * FROM " + arr2[0])
	arr3 := []string{"users", "orders"}
	fmt.Sscan(r.FormValue("t"), &arr3[0])
	db.Query("SELECT * FROM " + arr3[0])
}
