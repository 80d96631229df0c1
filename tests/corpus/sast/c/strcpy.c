// expect: CWE-120
#include <string.h>

void set_name(struct user *u, const char *name) {
    strcpy(u->name, name);
}
