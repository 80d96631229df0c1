// expect: safe
package main

import "fmt"

func describe(name string, n int) string {
	return fmt.Sprintf("%s has %d items", name, n)
}
