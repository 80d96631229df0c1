// expect: safe
package main

func download(w http.ResponseWriter, r *http.Request) {
	name := filepath.Base(r.URL.Query().Get("file"))
	data, err := os.ReadFile(filepath.Join("/srv/files", name))
	if err != nil {
		http.Error(w, "not found", 404)
		return
	}
	w.Write(data)
}
