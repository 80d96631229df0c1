// expect: CWE-134
#include <cstdio>
#include <string>

void show(const std::string &msg) {
    printf(msg.c_str());
}
