// expect: safe
#include <string.h>

void set_name(char dst[32], const char *src) {
    strncpy(dst, src, 31);
    dst[31] = '\0';
}
