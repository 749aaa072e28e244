/* A handler that needs libz.so.1: neither a cloud's base nor the closure (the handler's own
 * shared libraries and the toolchain's) has it, so linkage = "closure" refuses it. */
#include <stdio.h>
#include <zlib.h>

int main(void) { return puts(zlibVersion()) < 0; }
