// expect: safe
#include <sqlite3.h>
#include <stdio.h>

/* A row id and a flag formatted into SQL: C keeps an int an int. */
int mark_done(sqlite3 *db, long id, int done) {
    char q[128];
    unsigned int tries = 3;
    snprintf(q, sizeof q, "UPDATE jobs SET done = %d, tries = %u WHERE id = %ld", done, tries, id);
    return sqlite3_exec(db, q, NULL, NULL, NULL);
}
