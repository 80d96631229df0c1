// expect: CWE-78
#include <cstdlib>
#include <string>

void open_url(const std::string &url) {
    std::string cmd = "xdg-open " + url;
    system(cmd.c_str());
}
