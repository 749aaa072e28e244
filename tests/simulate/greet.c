/* libgreet.so for tests/simulate's closure handler: a shared object built in the repository,
 * so the handler's deployables must ship it (serverless_function's linkage = "closure"). */
const char* greet(void) { return "closure"; }
