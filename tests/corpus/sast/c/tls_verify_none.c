// expect: CWE-295
#include <openssl/ssl.h>

SSL_CTX *make_ctx(void) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    return ctx;
}
