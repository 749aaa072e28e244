// A statically linked program: prints a greeting.
#include <stdio.h>

int main(void) {
  puts("hello from a static executable");
  return 0;
}
