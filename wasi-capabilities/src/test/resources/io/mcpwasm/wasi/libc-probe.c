/*
 * A wasi-libc guest for WasiHostLibcGuestTest: exercises the host the way ordinary C programs do
 * (preopen discovery, stdio, fopen/readdir/stat/rename/mkdir, nanosleep through poll_oneoff, getenv, exit code).
 * Rebuild: build.sh beside this file (reports whether the result is byte-identical to the committed .wasm).
 * (Debian: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void show_file(const char *label, const char *path) {
    char buf[128] = {0};
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("%s: error %s\n", label, strerror(errno));
        return;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    printf("%s: %s\n", label, buf);
}

int main(int argc, char **argv) {
    printf("argc=%d argv1=%s\n", argc, argc > 1 ? argv[1] : "-");
    const char *granted = getenv("GRANTED");
    const char *home = getenv("HOME");
    const char *path = getenv("PATH");
    printf("env GRANTED=%s HOME=%s PATH=%s\n", granted ? granted : "(none)", home ? home : "(none)",
           path ? path : "(none)");
    show_file("readme", "/data/readme.txt");
    show_file("token", "/run/secrets/token");
    show_file("escape", "/data/../run/secrets/token");
    show_file("unmounted", "/etc/passwd");
    FILE *f = fopen("/scratch/out.txt", "w");
    if (f) {
        fprintf(f, "written by C\n");
        fclose(f);
        printf("scratch write: ok\n");
    } else {
        printf("scratch write: error %s\n", strerror(errno));
    }
    f = fopen("/data/new.txt", "w");
    printf("read-only write: %s\n", f ? "OPENED" : strerror(errno));
    DIR *d = opendir("/data");
    int entries = 0;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                entries++;
            }
        }
        closedir(d);
    }
    printf("data entries=%d\n", entries);
    struct stat st;
    if (stat("/scratch/out.txt", &st) == 0) {
        printf("size=%lld\n", (long long) st.st_size);
    }
    mkdir("/scratch/dir", 0755);
    rename("/scratch/out.txt", "/scratch/dir/moved.txt");
    printf("moved=%d\n", access("/scratch/dir/moved.txt", F_OK) == 0);
    struct timespec a, b, req = {0, 20000000};
    clock_gettime(CLOCK_MONOTONIC, &a);
    nanosleep(&req, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long slept = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    printf("slept at least 20ms=%d\n", slept >= 20000000LL);
    char line[128];
    while (fgets(line, sizeof line, stdin)) {
        printf("stdin: %s", line);
    }
    printf("stdin eof\n");
    fflush(stdout);
    fprintf(stderr, "bye\n");
    return 3;
}
