/* inotify-watch DIR COUNT TIMEOUT_S: the small static watcher the change-signal tests bring
 * into containers (Debian's busybox has no inotifyd applet). It arms an inotify watch on DIR,
 * prints "ready", then one line per event ("IN_MOVED_TO name", "IN_CREATE name", ...), and
 * exits 0 after COUNT IN_MOVED_TO events, 2 on timeout, 1 on error. Built by the tests with
 * `gcc -static` (test/e2e/lib/watcher.ts), so it runs in any image. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

static const struct { unsigned mask; const char *name; } NAMES[] = {
  {IN_MOVED_TO, "IN_MOVED_TO"}, {IN_CREATE, "IN_CREATE"}, {IN_CLOSE_WRITE, "IN_CLOSE_WRITE"},
  {IN_MODIFY, "IN_MODIFY"}, {IN_DELETE, "IN_DELETE"}, {IN_MOVED_FROM, "IN_MOVED_FROM"},
};

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: inotify-watch DIR COUNT TIMEOUT_S\n"); return 1; }
  int want = atoi(argv[2]), seen = 0;
  time_t deadline = time(NULL) + atoi(argv[3]);
  int fd = inotify_init1(IN_CLOEXEC);
  unsigned mask = IN_MOVED_TO | IN_CREATE | IN_CLOSE_WRITE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM;
  if (fd < 0 || inotify_add_watch(fd, argv[1], mask) < 0) { perror("inotify"); return 1; }
  printf("ready\n");
  fflush(stdout);
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  while (seen < want) {
    long left = (long)(deadline - time(NULL));
    if (left <= 0) return 2;
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, (int)left * 1000) <= 0) continue;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) { perror("read"); return 1; }
    for (char *at = buf; at < buf + n;) {
      struct inotify_event *e = (struct inotify_event *)at;
      for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
        if (e->mask & NAMES[i].mask) printf("%s %s\n", NAMES[i].name, e->len ? e->name : "");
      if (e->mask & IN_MOVED_TO) seen++;
      at += sizeof *e + e->len;
    }
    fflush(stdout);
  }
  return 0;
}
