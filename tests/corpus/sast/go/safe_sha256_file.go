// expect: safe
package util

import "crypto/sha256"

func Digest(b []byte) [32]byte {
	return sha256.Sum256(b)
}
