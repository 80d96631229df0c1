// expect: safe
package repo

func FindUsers(db *gorm.DB, role string) []User {
	var users []User
	db.Where("role = ?", role).Find(&users)
	return users
}
