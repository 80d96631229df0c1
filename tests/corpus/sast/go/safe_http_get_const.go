// expect: safe
package main

func health() (*http.Response, error) {
	return http.Get("https://status.example.com/health")
}
