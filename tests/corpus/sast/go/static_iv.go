// expect: CWE-329
package crypt

func Encrypt(block cipher.Block, data []byte) []byte {
	iv := []byte("0000000000000000")
	out := make([]byte, len(data))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, data)
	return out
}
