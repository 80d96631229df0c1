// expect: CWE-22
package main

import (
	"net/http"
	"os"
	"path/filepath"
)

func download(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("file")
	data, err := os.ReadFile(filepath.Join("/srv/files", name))
	if err != nil {
		http.Error(w, "not found", 404)
		return
	}
	w.Write(data)
}
