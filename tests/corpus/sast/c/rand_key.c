// expect: CWE-338
#include <stdlib.h>
#include <time.h>

void make_session(char *out) {
    srand(time(NULL));
    int session_id = rand();
    sprintf(out, "%d", session_id);
}
