// expect: CWE-78, CWE-120
#include <stdio.h>

FILE *run_query(const char *user) {
    char buf[512];
    sprintf(buf, "grep %s /etc/passwd", user);
    return popen(buf, "r");
}
