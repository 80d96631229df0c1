// expect: safe
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int count_active(sqlite3 *db, int (*cb)(void *, int, char **, char **)) {
    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM users WHERE active = %d", 1);
    return sqlite3_exec(db, q, cb, NULL, NULL);
}

int purge_expired(sqlite3 *db) {
    char q[128];
    strcpy(q, "DELETE FROM sessions");
    strcat(q, " WHERE expires_at < strftime('%s', 'now')");
    return sqlite3_exec(db, q, NULL, NULL, NULL);
}

int purge_old(sqlite3 *db, size_t cap) {
    char q[128];
    snprintf(q, cap < sizeof q ? cap : sizeof q, "DELETE FROM sessions");
    strncat(q, " WHERE created_at < date('now', '-30 day')", sizeof q - strlen(q) - 1);
    return sqlite3_exec(db, q, NULL, NULL, NULL);
}
