// expect: CWE-89
#include <sqlite3.h>
#include <stdio.h>

/* `id` is a number, `name` a caller's string: injectable. */
int rename_job(sqlite3 *db, int id, const char *name) {
    char q[256];
    snprintf(q, sizeof q, "UPDATE jobs SET name = '%s' WHERE id = %d", name, id);
    return sqlite3_exec(db, q, NULL, NULL, NULL);
}
