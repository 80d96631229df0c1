// expect: CWE-120
#include <string.h>

int main(int argc, char **argv) {
    char path[64] = "/tmp/";
    strcat(path, argv[1]);
    return 0;
}
