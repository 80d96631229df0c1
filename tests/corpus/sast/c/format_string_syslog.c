// expect: CWE-134
#include <syslog.h>

void audit(const char *user_input) {
    syslog(LOG_INFO, user_input);
}
