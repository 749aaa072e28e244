/* Executables for the closure tests: uses_mid needs libmid.so (which needs libleaf.so);
 * uses_cycle (-DCYCLE) needs libcycle_a.so. */
#ifdef CYCLE
int cycle_a(void);
int main(void) { return cycle_a() == 1 ? 0 : 1; }
#else
int mid(void);
int main(void) { return mid() == 3 ? 0 : 1; }
#endif
