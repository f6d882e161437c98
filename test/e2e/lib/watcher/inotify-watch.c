/* inotify-watch DIR COUNT TIMEOUT_S [FILE [NEEDLE]]: the small static watcher the change-signal tests
 * bring into containers (Debian's busybox has no inotifyd applet). It arms an inotify watch on
 * DIR, prints "ready" (with FILE: "=== before" and FILE's content, read after arming, so no
 * change can slip between the two), then one line per event ("IN_MOVED_TO name", ...), and
 * after COUNT IN_MOVED_TO events (with FILE: "=== after" and its content) exits 0; 2 on
 * timeout, 1 on error. With NEEDLE, a FILE that already contains it when the watch is armed
 * (the change came first) ends the run at once with exit 3. Built by the tests with `gcc -static` (test/e2e/lib/watcher.ts), so it
 * runs in any image. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

static char content[1 << 16];

/* Prints FILE between markers; returns 1 when it contains needle (if any). */
static int dump(const char *label, const char *path, const char *needle) {
  size_t n = 0;
  FILE *f = fopen(path, "r");
  if (f) {
    n = fread(content, 1, sizeof content - 1, f);
    fclose(f);
  }
  content[n] = 0;
  printf("=== %s\n%s\n=== end %s\n", label, content, label);
  fflush(stdout);
  return needle && strstr(content, needle) != NULL;
}

static const struct { unsigned mask; const char *name; } NAMES[] = {
  {IN_MOVED_TO, "IN_MOVED_TO"}, {IN_CREATE, "IN_CREATE"}, {IN_CLOSE_WRITE, "IN_CLOSE_WRITE"},
  {IN_MODIFY, "IN_MODIFY"}, {IN_DELETE, "IN_DELETE"}, {IN_MOVED_FROM, "IN_MOVED_FROM"},
};

int main(int argc, char **argv) {
  if (argc < 4 || argc > 6) { fprintf(stderr, "usage: inotify-watch DIR COUNT TIMEOUT_S [FILE [NEEDLE]]\n"); return 1; }
  int want = atoi(argv[2]), seen = 0;
  time_t deadline = time(NULL) + atoi(argv[3]);
  int fd = inotify_init1(IN_CLOEXEC);
  unsigned mask = IN_MOVED_TO | IN_CREATE | IN_CLOSE_WRITE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM;
  if (fd < 0 || inotify_add_watch(fd, argv[1], mask) < 0) { perror("inotify"); return 1; }
  printf("ready\n");
  fflush(stdout);
  if (argc >= 5 && dump("before", argv[4], argc == 6 ? argv[5] : NULL)) return 3;
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
  if (argc >= 5) dump("after", argv[4], NULL);
  return 0;
}
