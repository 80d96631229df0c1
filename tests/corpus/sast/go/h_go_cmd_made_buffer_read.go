// expect: CWE-78
package main

import (
	"fmt"
	"net"
	"os/exec"
)

func handle(conn net.Conn) {
	buf := make([]byte, 1024)
	conn.Read(buf)
	cmd := exec.Command("sh", "-c", fmt.Sprintf("echo %s", buf))
	cmd.Run()
}
