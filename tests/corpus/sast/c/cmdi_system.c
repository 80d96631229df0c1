// expect: CWE-78
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -l %s", argv[1]);
    return system(cmd);
}
