// expect: CWE-327
#include <openssl/evp.h>

int encrypt(unsigned char *key, unsigned char *in, int len, unsigned char *out) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n;
    EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL);
    EVP_EncryptUpdate(ctx, out, &n, in, len);
    EVP_CIPHER_CTX_free(ctx);
    return n;
}
