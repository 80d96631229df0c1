// expect: safe
package main
func h(w http.ResponseWriter, r *http.Request) {
	ids := strings.Split(r.URL.Query().Get("ids"), ",")
	marks := []string{}
	for i := range ids {
		marks = append(marks, fmt.Sprintf("$%d", i+1))
	}
	db.Query("SELECT * FROM users WHERE id IN (" + strings.Join(marks, ",") + ")")
}
