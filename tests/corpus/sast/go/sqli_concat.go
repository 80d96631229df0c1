// expect: CWE-89
package store

func (s *Store) DeleteByName(name string) error {
	_, err := s.db.Exec("DELETE FROM items WHERE name = '" + name + "'")
	return err
}
