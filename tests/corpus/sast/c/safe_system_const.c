// expect: safe
#include <stdlib.h>

int main(void) {
    return system("clear");
}
