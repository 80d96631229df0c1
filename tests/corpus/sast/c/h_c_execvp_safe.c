// expect: safe
#include <unistd.h>

int run_ls(const char *dir) {
    char *const args[] = {"ls", "-l", (char *)dir, NULL};
    return execvp("ls", args);
}
