/* libleaf.so for the closure tests: two versioned symbols (closure_leaf.map). */
int leaf_old(void) { return 1; }
int leaf(void) { return 2; }
