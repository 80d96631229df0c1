// expect: safe
#include <iostream>
#include <string>

void greet(const std::string &name) {
    std::cout << "Hello " << name << std::endl;
}
