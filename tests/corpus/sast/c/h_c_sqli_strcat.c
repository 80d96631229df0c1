// expect: CWE-89
#include <sqlite3.h>
#include <string.h>

int purge_table(sqlite3 *db, const char *table) {
    char q[256];
    strcpy(q, "DELETE FROM ");
    strncat(q, table, sizeof q - strlen(q) - 1);
    return sqlite3_exec(db, q, NULL, NULL, NULL);
}
