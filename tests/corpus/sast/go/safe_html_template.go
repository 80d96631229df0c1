// expect: safe
package main

import (
	"html/template"
	"net/http"
)

var page = template.Must(template.New("p").Parse("<p>{{.}}</p>"))

func show(w http.ResponseWriter, r *http.Request) {
	page.Execute(w, r.URL.Query().Get("q"))
}
