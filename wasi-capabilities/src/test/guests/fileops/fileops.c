/*
 * fileops.c: ordinary file work through wasi-libc's POSIX API in the /data grant. Prints the transcript in
 * src/test/resources/guests/fileops-expected.txt (the Go, Rust and Zig programs print the same lines).
 * Expects /data to hold only input.txt = "line one\nline two\n".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void fail(const char *what) {
    printf("FAIL %s errno=%d\n", what, errno);
    exit(1);
}

static void quoted(const char *b, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        if (b[i] == '\n') fputs("\\n", stdout);
        else putchar(b[i]);
    }
    putchar('"');
}

static size_t slurp(const char *path, char *buf, size_t cap) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) fail(path);
    size_t total = 0;
    for (;;) {
        ssize_t n = read(fd, buf + total, cap - total);
        if (n < 0) fail("read");
        if (n == 0) break;
        total += (size_t)n;
    }
    close(fd);
    return total;
}

static void stat_line(const char *shown, const char *path, int with_size) {
    struct stat st;
    printf("stat %s", shown);
    if (stat(path, &st) != 0) {
        if (errno != ENOENT) fail("stat");
        printf(" missing\n");
        return;
    }
    if (with_size) printf(" size=%lld", (long long)st.st_size);
    printf(" type=%s\n", S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : "other");
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void readdir_line(const char *shown, const char *path) {
    DIR *d = opendir(path);
    if (!d) fail("opendir");
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n < 64) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp);
    printf("readdir %s [", shown);
    for (int i = 0; i < n; i++) {
        printf("%s%s", i ? "," : "", names[i]);
        free(names[i]);
    }
    printf("]\n");
}

int main(void) {
    char buf[256];
    size_t n = slurp("/data/input.txt", buf, sizeof buf);
    printf("read input.txt %zu ", n);
    quoted(buf, n);
    printf("\n");

    int fd = open("/data/out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) fail("create");
    ssize_t w = write(fd, "hello world\n", 12);
    if (w != 12) fail("write");
    close(fd);
    printf("write out.txt %zd\n", w);

    fd = open("/data/out.txt", O_RDONLY);
    if (fd < 0) fail("open");
    if (lseek(fd, 6, SEEK_SET) != 6) fail("lseek");
    ssize_t r = read(fd, buf, 5);
    if (r < 0) fail("read");
    printf("seek 6 read %zd ", r);
    quoted(buf, (size_t)r);
    printf("\n");
    printf("tell %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    close(fd);

    stat_line("out.txt", "/data/out.txt", 1);
    if (mkdir("/data/dir", 0755) != 0) fail("mkdir");
    printf("mkdir dir\n");
    stat_line("dir", "/data/dir", 0);
    if (rename("/data/out.txt", "/data/dir/moved.txt") != 0) fail("rename");
    printf("rename out.txt dir/moved.txt\n");
    stat_line("out.txt", "/data/out.txt", 1);
    readdir_line("dir", "/data/dir");

    if (truncate("/data/dir/moved.txt", 5) != 0) fail("truncate");
    printf("truncate dir/moved.txt 5\n");
    stat_line("dir/moved.txt", "/data/dir/moved.txt", 1);
    n = slurp("/data/dir/moved.txt", buf, sizeof buf);
    printf("read dir/moved.txt ");
    quoted(buf, n);
    printf("\n");

    fd = open("/data/dir/moved.txt", O_WRONLY | O_APPEND);
    if (fd < 0) fail("open append");
    w = write(fd, "!!\n", 3);
    if (w != 3) fail("append");
    close(fd);
    printf("append dir/moved.txt %zd\n", w);
    n = slurp("/data/dir/moved.txt", buf, sizeof buf);
    printf("read dir/moved.txt ");
    quoted(buf, n);
    printf("\n");

    if (unlink("/data/dir/moved.txt") != 0) fail("unlink");
    printf("unlink dir/moved.txt\n");
    stat_line("dir/moved.txt", "/data/dir/moved.txt", 1);
    if (rmdir("/data/dir") != 0) fail("rmdir");
    printf("rmdir dir\n");
    readdir_line(".", "/data");

    fd = open("/data/missing.txt", O_RDONLY);
    if (fd >= 0 || errno != ENOENT) fail("open missing");
    printf("open missing.txt missing\n");
    printf("done\n");
    return 0;
}
