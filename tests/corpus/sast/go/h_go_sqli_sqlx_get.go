// expect: CWE-89
package repo

func (r *Repo) ByEmail(email string) (User, error) {
	var u User
	err := r.db.Get(&u, "SELECT * FROM users WHERE email = '"+email+"'")
	return u, err
}
