// expect: CWE-22
package main

func serve(w http.ResponseWriter, r *http.Request) {
	p := filepath.Clean(r.URL.Path)
	http.ServeFile(w, r, filepath.Join("/srv/www", p))
}
