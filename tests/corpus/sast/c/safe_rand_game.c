// expect: safe
#include <stdlib.h>

int roll_dice(void) {
    return rand() % 6 + 1;
}
