// expect: safe
package main

func handler(w http.ResponseWriter, r *http.Request) {
	log.Println(fmt.Sprintf("request from %s for %s", r.RemoteAddr, r.URL.Path))
	w.WriteHeader(http.StatusNoContent)
}
