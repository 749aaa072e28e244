// Prints a random number with arc4random, which glibc added in 2.36.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  printf("%u\n", arc4random());
  return 0;
}
