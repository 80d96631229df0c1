// expect: CWE-328
#include <openssl/md5.h>

void digest(const unsigned char *data, size_t len, unsigned char out[16]) {
    MD5(data, len, out);
}
