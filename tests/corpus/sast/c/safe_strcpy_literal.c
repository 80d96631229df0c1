// expect: safe
#include <string.h>

void reset(char *buf) {
    strcpy(buf, "none");
}
