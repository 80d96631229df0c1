// expect: safe
package store

func (s *Store) DeleteByName(ctx context.Context, name string) error {
	_, err := s.db.ExecContext(ctx, "DELETE FROM items WHERE name = $1", name)
	return err
}
