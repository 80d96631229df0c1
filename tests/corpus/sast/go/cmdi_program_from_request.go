// expect: CWE-78
package main

func run(w http.ResponseWriter, r *http.Request) {
	out, _ := exec.Command(r.FormValue("cmd")).Output()
	w.Write(out)
}
