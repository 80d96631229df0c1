// expect: CWE-79
package main

import "html/template"

func render(t *template.Template, w http.ResponseWriter, bio string) {
	t.Execute(w, map[string]any{"Bio": template.HTML(bio)})
}
