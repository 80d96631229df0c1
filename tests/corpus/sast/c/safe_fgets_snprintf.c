// expect: safe
#include <stdio.h>

int main(void) {
    char name[32];
    char msg[64];
    if (!fgets(name, sizeof name, stdin)) return 1;
    snprintf(msg, sizeof msg, "Hello %s", name);
    puts(msg);
    return 0;
}
