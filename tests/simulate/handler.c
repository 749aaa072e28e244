/* A tiny function for tests/simulate/run.sh, in C with only the C library, so it runs in
 * the glibc-only root of `fnseal simulate` whether linked statically or dynamically.
 *
 * Under Lambda (AWS_LAMBDA_RUNTIME_API set) it is a custom runtime that answers each event with
 * {"echo":<bytes>}; elsewhere an HTTP server on $FUNCTIONS_CUSTOMHANDLER_PORT or $PORT that
 * answers every request with 200 and the same body (wrapped in the Functions host's response
 * payload when the host sends an invocation payload rather than forwarding the request). Compiled with -DEXIT_AT_ONCE it exits 3
 * with a message before doing anything; with -DNEVER_ANSWER it takes events and requests
 * and never answers them (the cases simulate must report, within its timeout). With
 * -DWITH_GREET_LIBRARY the answer's key is not "echo" but what greet() of libgreet.so
 * (greet.c) returns, so the handler needs that shared object at run time. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef WITH_GREET_LIBRARY
const char* greet(void);
#define ANSWER_KEY greet()
#else
#define ANSWER_KEY "echo"
#endif

static char buffer[1 << 16];

/* Reads one HTTP message (headers and Content-Length body) into buffer; returns its length. */
static size_t read_message(int fd) {
  size_t used = 0;
  for (;;) {
    ssize_t n = read(fd, buffer + used, sizeof(buffer) - 1 - used);
    if (n <= 0) break;
    used += (size_t)n;
    buffer[used] = '\0';
    char* end = strstr(buffer, "\r\n\r\n");
    if (end == NULL) continue;
    size_t length = 0;
    char* at = strcasestr(buffer, "\r\ncontent-length:");
    if (at != NULL && at < end) length = strtoul(at + 17, NULL, 10);
    if (used >= (size_t)(end + 4 - buffer) + length) break;
  }
  buffer[used] = '\0';
  return used;
}

static size_t body_size(void) {
  char* end = strstr(buffer, "\r\n\r\n");
  return end == NULL ? 0 : strlen(end + 4);
}

static int connect_to(const char* api) {
  char host[64];
  snprintf(host, sizeof(host), "%s", api);
  char* colon = strrchr(host, ':');
  if (colon == NULL) exit(2);
  *colon = '\0';
  struct sockaddr_in address = {0};
  address.sin_family = AF_INET;
  address.sin_port = htons((unsigned short)atoi(colon + 1));
  inet_pton(AF_INET, host, &address.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr*)&address, sizeof(address)) != 0) {
    perror("handler: cannot reach the runtime api");
    exit(1);
  }
  return fd;
}

static void run_lambda(const char* api) {
  for (;;) {
    int fd = connect_to(api);
    dprintf(fd, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", api);
    read_message(fd);
    close(fd);
    char id[128] = "";
    char* at = strcasestr(buffer, "\r\nlambda-runtime-aws-request-id:");
    if (at != NULL) sscanf(at + 32, " %127[^\r\n]", id);
#ifdef NEVER_ANSWER
    pause();
#endif
    char reply[64];
    int length = snprintf(reply, sizeof(reply), "{\"%s\":%zu}", ANSWER_KEY, body_size());
    fd = connect_to(api);
    dprintf(fd,
            "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n"
            "Connection: close\r\n\r\n%s",
            id, api, length, reply);
    read_message(fd);
    close(fd);
  }
}

static void run_server(int port) {
  int server = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  struct sockaddr_in address = {0};
  address.sin_family = AF_INET;
  address.sin_port = htons((unsigned short)port);
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(server, (struct sockaddr*)&address, sizeof(address)) != 0 || listen(server, 16) != 0) {
    perror("handler: cannot listen");
    exit(1);
  }
  for (;;) {
    int client = accept(server, NULL, NULL);
    if (client < 0) continue;
    read_message(client);
#ifdef NEVER_ANSWER
    continue; /* keeps the connection open, never answers */
#endif
    char reply[160];
    int length;
    if (getenv("FUNCTIONS_CUSTOMHANDLER_PORT") != NULL && strncmp(buffer, "POST /api/", 10) != 0) {
      /* the Functions host's invocation payload (no request forwarding): answer with its shape */
      length = snprintf(reply, sizeof(reply),
                        "{\"Outputs\":{\"res\":{\"statusCode\":200,\"body\":\"{\\\"%s\\\":%zu}\"}},"
                        "\"Logs\":[],\"ReturnValue\":null}",
                        ANSWER_KEY, body_size());
    } else {
      length = snprintf(reply, sizeof(reply), "{\"%s\":%zu}", ANSWER_KEY, body_size());
    }
    dprintf(client, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                    "Connection: close\r\n\r\n%s", length, reply);
    close(client);
  }
}

int main(void) {
#ifdef EXIT_AT_ONCE
  fprintf(stderr, "handler: configured to fail at start\n");
  return 3;
#endif
  const char* api = getenv("AWS_LAMBDA_RUNTIME_API");
  if (api != NULL) run_lambda(api);
  const char* port = getenv("FUNCTIONS_CUSTOMHANDLER_PORT");
  if (port == NULL) port = getenv("PORT");
  run_server(port != NULL ? atoi(port) : 8080);
  return 0;
}
