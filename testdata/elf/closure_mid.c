/* libmid.so for the closure tests: needs libleaf.so. */
int leaf(void);
int mid(void) { return leaf() + 1; }
