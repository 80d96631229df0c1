// expect: CWE-89
package repo

func FindUsers(db *gorm.DB, role string) []User {
	var users []User
	db.Where(fmt.Sprintf("role = '%s'", role)).Find(&users)
	return users
}
