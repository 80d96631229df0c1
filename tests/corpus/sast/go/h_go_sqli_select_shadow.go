// expect: CWE-89
package store

import (
	"database/sql"
	"fmt"
)

// select receive shadows the int parameter
func A(db *sql.DB, id int, names chan string) {
	select {
	case id := <-names:
		db.Query("SELECT * FROM t WHERE name = '" + id + "'")
	default:
		db.Query(fmt.Sprintf("SELECT * FROM t WHERE id = %d", id))
	}
}

// type switch alias shadows the int parameter
func B(db *sql.DB, id int, v interface{}) {
	switch id := v.(type) {
	case string:
		db.Query("SELECT * FROM t WHERE name = '" + id + "'")
	}
}
