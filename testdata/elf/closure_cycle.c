/* libcycle_a.so and libcycle_b.so for the closure tests: each needs the other. */
#ifdef SIDE_A
int cycle_a(void) { return 1; }
#else
int cycle_b(void) { return 2; }
#endif
