// expect: safe
#include <stdio.h>

void log_msg(const char *msg) {
    printf("%s\n", msg);
    const char *banner = "ready";
    printf(banner);
}
