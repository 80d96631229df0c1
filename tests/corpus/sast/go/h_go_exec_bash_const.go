// expect: safe
package main

func restart() error {
	return exec.Command("bash", "-c", "systemctl restart nginx && systemctl status nginx").Run()
}
