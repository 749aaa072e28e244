// A dynamically linked C program that needs only libc.so.6 at an old glibc version.
#include <stdio.h>

int main(void) {
  puts("hello from a dynamic executable");
  return 0;
}
