// expect: safe
package store

func (s *Store) ByID(id int) (*sql.Row, error) {
	return s.db.QueryRow("SELECT * FROM items WHERE id = " + strconv.Itoa(id)), nil
}
