// expect: CWE-89
#include <sqlite3.h>
#include <stdio.h>
#include "config.h"   /* extern const char *table; */

struct hooks { int (*on_row)(long table); };

int count_rows(sqlite3 *db) {
    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM %s", table);
    return sqlite3_exec(db, q, NULL, NULL, NULL);
}
