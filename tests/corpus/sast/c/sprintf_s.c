// expect: CWE-120
#include <stdio.h>

void greet(char *out, const char *name) {
    sprintf(out, "Hello, %s!", name);
}
