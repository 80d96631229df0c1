// expect: CWE-328
package util

import (
	"crypto/md5"
	"encoding/hex"
)

func Fingerprint(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}
