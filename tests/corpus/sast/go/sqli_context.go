// expect: CWE-89
package store

func (s *Store) Search(ctx context.Context, term string) (*sql.Rows, error) {
	q := "SELECT * FROM posts WHERE title LIKE '%" + term + "%'"
	return s.db.QueryContext(ctx, q)
}
