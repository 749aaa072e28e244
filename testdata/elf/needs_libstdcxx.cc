// A dynamically linked C++ program: needs libstdc++.so.6, which no cloud's base provides.
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  std::string name = argc > 1 ? argv[1] : "world";
  std::cout << "hello, " << name << std::endl;
  return 0;
}
