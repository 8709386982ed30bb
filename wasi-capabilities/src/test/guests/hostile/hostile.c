/*
 * hostile.c: a wasm32-wasip1 guest that tries to get out of its WASI grants.
 *
 * Usage: hostile [ATTACK|all|list] [HOST_ROOT]
 *   ATTACK    run one attack by name
 *   all       run every attack flagged for "all" (default)
 *   list      print every attack name
 *   HOST_ROOT optional absolute host path of the tree the test laid out, for attacks that name host paths
 *
 * Output: one line per attack, "name RESULT [detail]", RESULT = OK or the decimal WASI errno of the
 * refusal (SKIP when a precondition is missing). Detail is "key=value" words (non-printables escaped).
 *
 * Grants the guest expects (discovered with fd_prestat_*, so fd numbers don't matter):
 *   /rw            read-write grant with a quota; file.txt ("rw file\n"), sub/a.txt, planted symlinks
 *   /ro            read-only grant; r.txt ("ro file\n"), rdir/ (empty), rsub/x.txt
 *   /empty         read-write grant, empty directory (used to try removing a grant root)
 *   /run/secrets/token   a secret file (any preopen that is a prefix of that path)
 * Symlinks planted by the host in /rw (see the Java test / node runner):
 *   abs_file -> HOST_ROOT/outside/secret.txt     abs_dir -> HOST_ROOT/outside
 *   rel_file -> ../outside/secret.txt           rel_dir -> ../outside
 *   sub/up -> ../../outside                     chain1 -> chain2, chain2 -> rel_dir
 *   loop1 -> loop2, loop2 -> loop1              self -> self
 *   dangle -> ../outside/created-through-dangle.txt (target does not exist)
 *   in_link -> sub/a.txt (stays inside: a control)    ed_link -> ../outside/emptydir
 * and in /ro: ro_link -> ../outside/secret.txt
 * Raw WASI calls are used wherever wasi-libc would resolve or normalize the path itself.
 */
#include <wasi/api.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
                      int64_t rights_base, int64_t rights_inheriting, int32_t fdflags, int32_t retptr);

__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t retptr);

__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_read")))
int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t retptr);

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
/* every right except the two socket rights (a file system grant never holds those) */
#define R_ALL ((__wasi_rights_t)((1ULL << 28) - 1))
/* what wasi-libc asks for when it opens a directory read-only: no write rights on the directory itself */
#define R_DIR (R_ALL & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE | \
                         __WASI_RIGHTS_FD_FILESTAT_SET_SIZE))
#define R_RD (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | \
              __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR)
#define R_WR (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET)
#define O_DIR __WASI_OFLAGS_DIRECTORY
#define O_CR __WASI_OFLAGS_CREAT
#define O_TR __WASI_OFLAGS_TRUNC
#define O_EX __WASI_OFLAGS_EXCL
#define TIMES (__WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM)
#define SKIP (-1)

static int RW = -1, RO = -1, EMPTY = -1, SEC = -1;
static char SEC_REL[256];
static const char *HOST_ROOT;
static char DETAIL[600];

static void detail(const char *fmt, const char *val) {
    size_t n = strlen(DETAIL);
    if (n) DETAIL[n++] = ' ';
    snprintf(DETAIL + n, sizeof DETAIL - n, fmt, val);
}

/* key=value with the value escaped to one printable word */
static void detail_bytes(const char *key, const unsigned char *b, size_t len) {
    char esc[200];
    size_t o = 0;
    for (size_t i = 0; i < len && o + 5 < sizeof esc; i++) {
        unsigned char c = b[i];
        if (c > 32 && c < 127 && c != '\\') esc[o++] = (char)c;
        else o += (size_t)snprintf(esc + o, sizeof esc - o, "\\x%02x", c);
    }
    esc[o] = 0;
    char fmt[64];
    snprintf(fmt, sizeof fmt, "%s=%%s", key);
    detail(fmt, esc);
}

static int open_at(int dir, int lookup, const char *p, int oflags, __wasi_rights_t rights, int fdflags, int *out) {
    __wasi_fd_t fd = 0;
    int e = __wasi_path_open(dir, lookup, p, oflags, rights, rights, fdflags, &fd);
    if (e == 0) *out = (int)fd;
    return e;
}

/* Reads up to 48 bytes and records them as leak=... (an attack that got this far succeeded). */
static void leak(int fd) {
    unsigned char buf[48];
    __wasi_iovec_t iov = { buf, sizeof buf };
    __wasi_size_t n = 0;
    if (__wasi_fd_read(fd, &iov, 1, &n) == 0) detail_bytes("leak", buf, n);
}

/* Open a file for reading; on success record what could be read. */
static int try_read(int dir, int lookup, const char *p) {
    int fd, e = open_at(dir, lookup, p, 0, R_RD, 0, &fd);
    if (e) return e;
    leak(fd);
    (void)__wasi_fd_close(fd);
    return 0;
}

/* Open a directory; on success record the first entry names. */
static int try_dir(int dir, int lookup, const char *p) {
    int fd, e = open_at(dir, lookup, p, O_DIR, R_DIR, 0, &fd);
    if (e) return e;
    uint8_t buf[512];
    __wasi_size_t used = 0;
    if (__wasi_fd_readdir(fd, buf, sizeof buf, 0, &used) == 0) {
        size_t off = 0;
        while (off + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t d;
            memcpy(&d, buf + off, sizeof d);
            off += sizeof d;
            if (off + d.d_namlen > used) break;
            detail_bytes("entry", buf + off, d.d_namlen);
            off += d.d_namlen;
        }
    }
    (void)__wasi_fd_close(fd);
    return 0;
}

static int write_fd(int fd, const char *s) {
    __wasi_ciovec_t iov = { (const uint8_t *)s, strlen(s) };
    __wasi_size_t n = 0;
    return __wasi_fd_write(fd, &iov, 1, &n);
}

/* Open with the given flags and rights, then write; reports the first stage that was refused. */
static int try_write(int dir, int lookup, const char *p, int oflags, __wasi_rights_t rights, int fdflags) {
    int fd, e = open_at(dir, lookup, p, oflags, rights, fdflags, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    e = write_fd(fd, "PWNED\n");
    (void)__wasi_fd_close(fd);
    detail("stage=%s", "write");
    return e;
}

static int need(int fd) { return fd >= 0; }
static char *hostpath(const char *rel) {
    static char buf[1024];
    snprintf(buf, sizeof buf, "%s/%s", HOST_ROOT, rel);
    return buf;
}

/* ---------- controls: must succeed ---------- */
static int ctl_read_rw(void) { return try_read(RW, 0, "file.txt"); }
static int ctl_read_ro(void) { return try_read(RO, 0, "r.txt"); }
static int ctl_dotdot_inside(void) { return try_read(RW, 0, "sub/../file.txt"); }
static int ctl_libc_read(void) {
    FILE *f = fopen("/rw/sub/a.txt", "r");
    if (!f) return errno;
    char b[48];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    detail_bytes("leak", (unsigned char *)b, n);
    return 0;
}
static int ctl_write_rw(void) {
    return try_write(RW, 0, "ctl-new.txt", O_CR | O_TR, R_ALL, 0);
}
/* a symlink that stays inside the grant: the host may follow it or refuse all symlinks */
static int info_inside_link(void) { return try_read(RW, FOLLOW, "in_link"); }
/* `..` from a sub-directory fd back to its parent, still inside the grant */
static int info_subfd_parent(void) {
    int sub, e = open_at(RW, 0, "sub", O_DIR, R_DIR, 0, &sub);
    if (e) { detail("stage=%s", "opensub"); return e; }
    e = try_read(sub, 0, "../file.txt");
    (void)__wasi_fd_close(sub);
    return e;
}

/* ---------- absolute paths ---------- */
static int abs_raw_etc(void) { return try_read(RW, 0, "/etc/passwd"); }
static int abs_raw_etc_follow(void) { return try_read(RW, FOLLOW, "/etc/passwd"); }
static int abs_raw_root_dir(void) { return try_dir(RW, 0, "/"); }
static int abs_raw_double_slash(void) { return try_read(RW, 0, "//etc/passwd"); }
static int abs_raw_hostpath(void) {
    if (!HOST_ROOT) return SKIP;
    return try_read(RW, 0, hostpath("outside/secret.txt"));
}
static int abs_raw_hostpath_ro(void) {
    if (!HOST_ROOT) return SKIP;
    return try_read(RO, 0, hostpath("outside/secret.txt"));
}
static int abs_raw_create(void) { return try_write(RW, 0, "/tmp/mcpwasm-pwned.txt", O_CR, R_ALL, 0); }
static int abs_raw_mkdir(void) {
    if (!HOST_ROOT) return SKIP;
    return __wasi_path_create_directory(RW, hostpath("outside/abs-mkdir"));
}
static int abs_libc_etc(void) {
    int fd = open("/etc/passwd", O_RDONLY);
    if (fd < 0) return errno;
    leak(fd);
    close(fd);
    return 0;
}
static int abs_libc_hostpath(void) {
    if (!HOST_ROOT) return SKIP;
    int fd = open(hostpath("outside/secret.txt"), O_RDONLY);
    if (fd < 0) return errno;
    leak(fd);
    close(fd);
    return 0;
}

/* ---------- `..` ---------- */
static int dotdot_lead(void) { return try_read(RW, 0, "../outside/secret.txt"); }
static int dotdot_only(void) { return try_dir(RW, 0, ".."); }
static int dotdot_only_slash(void) { return try_dir(RW, 0, "../"); }
static int dotdot_mid(void) { return try_read(RW, 0, "sub/../../outside/secret.txt"); }
static int dotdot_trail(void) { return try_dir(RW, 0, "sub/../.."); }
static int dotdot_dots_slashes(void) { return try_read(RW, 0, "./sub/.//..//../outside/secret.txt"); }
static int dotdot_out_and_back(void) { return try_read(RW, 0, "../rw/file.txt"); }
static int dotdot_many(void) {
    static char p[400];
    p[0] = 0;
    for (int i = 0; i < 64; i++) strcat(p, "../");
    strcat(p, "etc/passwd");
    return try_read(RW, 0, p);
}
static int dotdot_follow_flag(void) { return try_read(RW, FOLLOW, "../outside/secret.txt"); }
static int dotdot_ro(void) { return try_read(RO, 0, "../outside/secret.txt"); }
static int dotdot_empty(void) { return try_read(EMPTY, 0, "../outside/secret.txt"); }
static int dotdot_subfd(void) {
    int sub, e = open_at(RW, 0, "sub", O_DIR, R_DIR, 0, &sub);
    if (e) { detail("stage=%s", "opensub"); return e; }
    e = try_read(sub, 0, "../../outside/secret.txt");
    (void)__wasi_fd_close(sub);
    return e;
}
static int dotdot_stat(void) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(RW, 0, "../outside/secret.txt", &st);
}
static int dotdot_stat_dir(void) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(RW, FOLLOW, "..", &st);
}
static int dotdot_create(void) { return try_write(RW, 0, "../outside/dotdot-created.txt", O_CR, R_ALL, 0); }
static int dotdot_trunc(void) { return try_write(RW, 0, "../outside/secret.txt", O_TR, R_ALL, 0); }
static int dotdot_mkdir(void) { return __wasi_path_create_directory(RW, "../outside/dotdot-dir"); }
static int dotdot_rmdir(void) { return __wasi_path_remove_directory(RW, "../outside/emptydir"); }
static int dotdot_unlink(void) { return __wasi_path_unlink_file(RW, "../outside/secret.txt"); }
static int dotdot_settimes(void) {
    return __wasi_path_filestat_set_times(RW, 0, "../outside/secret.txt", 1, 1, TIMES);
}
static int dotdot_symlink_at(void) { return __wasi_path_symlink("x", RW, "../outside/dotdot-link"); }
static int dotdot_readlink(void) {
    char buf[256];
    __wasi_size_t n = 0;
    int e = __wasi_path_readlink(RW, "../outside/link-in-outside", (uint8_t *)buf, sizeof buf, &n);
    if (!e) detail_bytes("target", (unsigned char *)buf, n);
    return e;
}
static int dotdot_libc(void) {
    int fd = open("/rw/../outside/secret.txt", O_RDONLY);
    if (fd < 0) return errno;
    leak(fd);
    close(fd);
    return 0;
}

/* ---------- host-planted symlinks pointing out ---------- */
static int sym_last_abs(void) { return try_read(RW, FOLLOW, "abs_file"); }
static int sym_last_rel(void) { return try_read(RW, FOLLOW, "rel_file"); }
static int sym_mid_abs(void) { return try_read(RW, FOLLOW, "abs_dir/secret.txt"); }
static int sym_mid_rel(void) { return try_read(RW, FOLLOW, "rel_dir/secret.txt"); }
static int sym_mid_abs_nofollow(void) { return try_read(RW, 0, "abs_dir/secret.txt"); }
static int sym_mid_rel_nofollow(void) { return try_read(RW, 0, "rel_dir/secret.txt"); }
static int sym_last_abs_nofollow(void) { return try_read(RW, 0, "abs_file"); }
static int sym_last_rel_nofollow(void) { return try_read(RW, 0, "rel_file"); }
static int sym_deep_rel(void) { return try_read(RW, FOLLOW, "sub/up/secret.txt"); }
static int sym_chain(void) { return try_read(RW, FOLLOW, "chain1/secret.txt"); }
static int sym_chain_last(void) { return try_dir(RW, FOLLOW, "chain1"); }
static int sym_loop(void) { return try_read(RW, FOLLOW, "loop1"); }
static int sym_loop_mid(void) { return try_read(RW, FOLLOW, "loop1/x"); }
static int sym_self(void) { return try_read(RW, FOLLOW, "self"); }
static int sym_dir_readdir(void) { return try_dir(RW, FOLLOW, "rel_dir"); }
static int sym_dir_readdir_abs(void) { return try_dir(RW, FOLLOW, "abs_dir"); }
static int sym_dir_trailing_slash(void) { return try_dir(RW, 0, "rel_dir/"); }
static int sym_stat_follow(void) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(RW, FOLLOW, "abs_file", &st);
}
static int sym_stat_mid(void) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(RW, 0, "rel_dir/secret.txt", &st);
}
static int sym_write_through(void) { return try_write(RW, FOLLOW, "rel_file", O_TR, R_ALL, 0); }
static int sym_append_through(void) {
    return try_write(RW, FOLLOW, "abs_file", 0, R_ALL, __WASI_FDFLAGS_APPEND);
}
static int sym_create_through_dir(void) {
    return try_write(RW, FOLLOW, "rel_dir/created-through-dir.txt", O_CR, R_ALL, 0);
}
static int sym_create_dangling(void) { return try_write(RW, FOLLOW, "dangle", O_CR, R_ALL, 0); }
static int sym_create_dangling_nofollow(void) { return try_write(RW, 0, "dangle", O_CR, R_ALL, 0); }
static int sym_mkdir_through(void) { return __wasi_path_create_directory(RW, "rel_dir/mkdir-through"); }
static int sym_rmdir_through(void) { return __wasi_path_remove_directory(RW, "rel_dir/emptydir"); }
static int sym_unlink_through(void) { return __wasi_path_unlink_file(RW, "rel_dir/secret.txt"); }
static int sym_rename_from_through(void) {
    return __wasi_path_rename(RW, "rel_dir/secret.txt", RW, "stolen.txt");
}
static int sym_rename_to_through(void) {
    return __wasi_path_rename(RW, "file.txt", RW, "rel_dir/dropped.txt");
}
static int sym_link_follow(void) { return __wasi_path_link(RW, FOLLOW, "rel_file", RW, "hl_follow"); }
static int sym_link_follow_abs(void) { return __wasi_path_link(RW, FOLLOW, "abs_file", RW, "hl_follow_abs"); }
static int sym_settimes_follow(void) {
    return __wasi_path_filestat_set_times(RW, FOLLOW, "rel_file", 1, 1, TIMES);
}
static int sym_symlink_through(void) { return __wasi_path_symlink("x", RW, "rel_dir/link-through"); }
static int sym_readlink_abs(void) {
    char buf[512];
    __wasi_size_t n = 0;
    int e = __wasi_path_readlink(RW, "abs_file", (uint8_t *)buf, sizeof buf, &n);
    if (!e) detail_bytes("target", (unsigned char *)buf, n);
    return e;
}
static int sym_readlink_abs_dir(void) {
    char buf[512];
    __wasi_size_t n = 0;
    int e = __wasi_path_readlink(RW, "abs_dir", (uint8_t *)buf, sizeof buf, &n);
    if (!e) detail_bytes("target", (unsigned char *)buf, n);
    return e;
}
static int info_readlink_rel(void) {
    char buf[512];
    __wasi_size_t n = 0;
    int e = __wasi_path_readlink(RW, "rel_file", (uint8_t *)buf, sizeof buf, &n);
    if (!e) detail_bytes("target", (unsigned char *)buf, n);
    return e;
}
static int sym_subfd_through(void) {
    int d, e = open_at(RW, FOLLOW, "rel_dir", O_DIR, R_DIR, 0, &d);
    if (e) { detail("stage=%s", "opendir"); return e; }
    e = try_read(d, 0, "secret.txt");
    (void)__wasi_fd_close(d);
    return e;
}

/* a trailing slash asks to follow the last component: ed_link -> ../outside/emptydir */
static int sym_rmdir_trailing_slash(void) { return __wasi_path_remove_directory(RW, "ed_link/"); }
static int sym_unlink_trailing_slash(void) { return __wasi_path_unlink_file(RW, "ed_link/"); }
static int sym_rename_trailing_slash(void) { return __wasi_path_rename(RW, "ed_link/", RW, "ed_moved"); }
static int sym_rename_onto_trailing_slash(void) {
    int e = __wasi_path_create_directory(RW, "newdir");
    if (e) { detail("stage=%s", "mkdir"); return e; }
    detail("stage=%s", "rename");
    return __wasi_path_rename(RW, "newdir", RW, "ed_link/");
}

/* a host-planted link out inside the read-only grant */
static int sym_ro_link(void) { return try_read(RO, FOLLOW, "ro_link"); }
/* a hard link to a planted symlink (no follow), then followed under its new name */
static int link_symlink_nofollow(void) {
    int e = __wasi_path_link(RW, 0, "rel_file", RW, "hl_nf");
    if (e) { detail("stage=%s", "link"); return e; }
    detail("stage=%s", "follow");
    return try_read(RW, FOLLOW, "hl_nf");
}

/*
 * A directory descriptor must keep naming the directory it was opened on. Open "swap" as a descriptor,
 * move the directory away (or remove it) and put a link to outside/ under its name (a guest link "swap" ->
 * "rel_dir", the planted link out; else the planted link itself renamed): a host that re-resolves the
 * descriptor by its host path now reads and creates in outside/.
 */
static int stale_dir(int remove, int create) {
    int e = __wasi_path_create_directory(RW, "swap");
    if (e) { detail("stage=%s", "mkdir"); return e; }
    if (!remove) {
        int fd;
        e = open_at(RW, 0, "swap/secret.txt", O_CR | O_TR, R_ALL, 0, &fd);
        if (e) { detail("stage=%s", "decoy"); return e; }
        (void)write_fd(fd, "decoy\n");
        (void)__wasi_fd_close(fd);
    }
    int d;
    e = open_at(RW, 0, "swap", O_DIR, R_DIR, 0, &d);
    if (e) { detail("stage=%s", "opendir"); return e; }
    e = remove ? __wasi_path_remove_directory(RW, "swap") : __wasi_path_rename(RW, "swap", RW, "swap-old");
    if (e) { detail("stage=%s", "move"); (void)__wasi_fd_close(d); return e; }
    /* a link whose target names something inside the grant, which itself is a planted link out */
    e = __wasi_path_symlink("rel_dir", RW, "swap");
    if (e) {
        detail("stage=%s", "swap-symlink");
        e = __wasi_path_rename(RW, "rel_dir", RW, "swap");
        if (e) { detail("stage=%s", "swap-rename"); (void)__wasi_fd_close(d); return e; }
    }
    detail("stage=%s", "use");
    e = create ? try_write(d, 0, "created-through-stale-fd.txt", O_CR, R_ALL, 0) : try_read(d, 0, "secret.txt");
    (void)__wasi_fd_close(d);
    return e;
}
static int fd_stale_dir_rename_read(void) { return stale_dir(0, 0); }
static int fd_stale_dir_rename_create(void) { return stale_dir(0, 1); }
static int fd_stale_dir_rmdir_read(void) { return stale_dir(1, 0); }
static int fd_stale_dir_rmdir_create(void) { return stale_dir(1, 1); }

/* ---------- guest-created symlinks pointing out ---------- */
static int make_and_follow(const char *target, const char *name) {
    int e = __wasi_path_symlink(target, RW, name);
    if (e) { detail("stage=%s", "symlink"); return e; }
    detail("stage=%s", "follow");
    return try_read(RW, FOLLOW, name);
}
static int gsym_rel_out(void) { return make_and_follow("../outside/secret.txt", "g_rel"); }
static int gsym_abs_etc(void) { return make_and_follow("/etc/passwd", "g_abs"); }
static int gsym_abs_host(void) {
    if (!HOST_ROOT) return SKIP;
    return make_and_follow(hostpath("outside/secret.txt"), "g_host");
}
static int gsym_dir_out(void) {
    int e = __wasi_path_symlink("..", RW, "g_dir");
    if (e) { detail("stage=%s", "symlink"); return e; }
    detail("stage=%s", "follow");
    return try_read(RW, FOLLOW, "g_dir/outside/secret.txt");
}
static int gsym_write_out(void) {
    int e = __wasi_path_symlink("../outside/secret.txt", RW, "g_w");
    if (e) { detail("stage=%s", "symlink"); return e; }
    detail("stage=%s", "follow");
    return try_write(RW, FOLLOW, "g_w", O_TR, R_ALL, 0);
}
static int gsym_create_out(void) {
    int e = __wasi_path_symlink("../outside/created-through-guest-link.txt", RW, "g_c");
    if (e) { detail("stage=%s", "symlink"); return e; }
    detail("stage=%s", "follow");
    return try_write(RW, FOLLOW, "g_c", O_CR, R_ALL, 0);
}
/* made inside sub/ (where ../outside is still inside the grant), then moved up a level */
static int gsym_moved_out(void) {
    int e = __wasi_path_symlink("../outside/secret.txt", RW, "sub/g_mv");
    if (e) { detail("stage=%s", "symlink"); return e; }
    e = __wasi_path_rename(RW, "sub/g_mv", RW, "g_mv");
    if (e) { detail("stage=%s", "rename"); return e; }
    detail("stage=%s", "follow");
    return try_read(RW, FOLLOW, "g_mv");
}
/* a link whose target is lexically inside but runs through a planted link out */
static int gsym_via_planted(void) { return make_and_follow("rel_dir/secret.txt", "g_via"); }
static int gsym_via_planted_write(void) {
    int e = __wasi_path_symlink("abs_dir/secret.txt", RW, "g_via_w");
    if (e) { detail("stage=%s", "symlink"); return e; }
    detail("stage=%s", "follow");
    return try_write(RW, FOLLOW, "g_via_w", O_TR, R_ALL, 0);
}
/* a link that points inside while its directory sits two levels down, then the directory moves up */
static int gsym_moved_dir_out(void) {
    int e = __wasi_path_create_directory(RW, "deep");
    if (!e) e = __wasi_path_create_directory(RW, "deep/inner");
    if (e) { detail("stage=%s", "mkdir"); return e; }
    e = __wasi_path_symlink("../../outside/secret.txt", RW, "deep/inner/l");
    if (e) { detail("stage=%s", "symlink"); return e; }
    e = __wasi_path_rename(RW, "deep/inner", RW, "inner");
    if (e) { detail("stage=%s", "rename"); return e; }
    detail("stage=%s", "follow");
    return try_read(RW, FOLLOW, "inner/l");
}
static int gsym_ro_target(void) {
    /* link in /rw pointing at a path that only exists in /ro's host directory */
    int e = __wasi_path_symlink("../ro/r.txt", RW, "g_ro");
    if (e) { detail("stage=%s", "symlink"); return e; }
    detail("stage=%s", "follow");
    return try_write(RW, FOLLOW, "g_ro", 0, R_ALL, 0);
}

/* ---------- hard links ---------- */
static int link_src_out(void) { return __wasi_path_link(RW, 0, "../outside/secret.txt", RW, "hl_src"); }
static int link_dst_out(void) { return __wasi_path_link(RW, 0, "file.txt", RW, "../outside/hl_dst"); }
static int link_src_abs(void) { return __wasi_path_link(RW, 0, "/etc/passwd", RW, "hl_abs"); }
static int link_src_through_dir(void) { return __wasi_path_link(RW, 0, "rel_dir/secret.txt", RW, "hl_dir"); }
static int link_from_ro(void) { return __wasi_path_link(RO, 0, "r.txt", RW, "hl_ro"); }
static int link_to_ro(void) { return __wasi_path_link(RW, 0, "file.txt", RO, "hl_in_ro"); }

/* ---------- renames ---------- */
static int rename_dst_out(void) { return __wasi_path_rename(RW, "file.txt", RW, "../outside/moved.txt"); }
static int rename_src_out(void) { return __wasi_path_rename(RW, "../outside/secret.txt", RW, "in.txt"); }
static int rename_dst_abs(void) { return __wasi_path_rename(RW, "file.txt", RW, "/tmp/mcpwasm-moved.txt"); }
static int rename_dir_out(void) { return __wasi_path_rename(RW, "sub", RW, "../outside/sub-moved"); }
static int rename_ro_to_rw(void) { return __wasi_path_rename(RO, "r.txt", RW, "r-moved.txt"); }
static int rename_rw_to_ro(void) { return __wasi_path_rename(RW, "file.txt", RO, "f-moved.txt"); }

/* ---------- the grant root itself ---------- */
static int root_rmdir_dot(void) { return __wasi_path_remove_directory(EMPTY, "."); }
static int root_rmdir_empty_path(void) { return __wasi_path_remove_directory(EMPTY, ""); }
static int root_rmdir_slash(void) { return __wasi_path_remove_directory(EMPTY, "/"); }
static int root_rmdir_libc(void) { return rmdir("/empty") ? errno : 0; }
static int root_rmdir_sub_dotdot(void) {
    int e = __wasi_path_create_directory(EMPTY, "d");
    if (e) { detail("stage=%s", "mkdir"); return e; }
    detail("stage=%s", "rmdir");
    e = __wasi_path_remove_directory(EMPTY, "d/..");
    (void)__wasi_path_remove_directory(EMPTY, "d");
    return e;
}
static int root_rename_dot(void) { return __wasi_path_rename(EMPTY, ".", EMPTY, "moved-root"); }
static int root_rename_into_rw(void) { return __wasi_path_rename(EMPTY, ".", RW, "moved-root"); }
static int root_rename_over(void) {
    int e = __wasi_path_create_directory(EMPTY, "d2");
    if (e) { detail("stage=%s", "mkdir"); return e; }
    detail("stage=%s", "rename");
    e = __wasi_path_rename(EMPTY, "d2", EMPTY, ".");
    (void)__wasi_path_remove_directory(EMPTY, "d2");
    return e;
}
static int root_unlink_dot(void) { return __wasi_path_unlink_file(EMPTY, "."); }
static int root_rmdir_ro(void) { return __wasi_path_remove_directory(RO, "."); }

/* ---------- mutations on the read-only grant ---------- */
static int ro_write_open(void) { return try_write(RO, 0, "r.txt", 0, R_ALL, 0); }
static int ro_write_readfd(void) {
    int fd, e = open_at(RO, 0, "r.txt", 0, R_RD, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "write");
    e = write_fd(fd, "PWNED\n");
    (void)__wasi_fd_close(fd);
    return e;
}
static int ro_append(void) { return try_write(RO, 0, "r.txt", 0, R_ALL, __WASI_FDFLAGS_APPEND); }
static int ro_create(void) { return try_write(RO, 0, "ro-created.txt", O_CR, R_ALL, 0); }
static int ro_create_excl(void) { return try_write(RO, 0, "ro-created-excl.txt", O_CR | O_EX, R_ALL, 0); }
static int ro_trunc(void) { return try_write(RO, 0, "r.txt", O_TR, R_ALL, 0); }
static int ro_trunc_readrights(void) {
    int fd, e = open_at(RO, 0, "r.txt", O_TR, R_RD, 0, &fd);
    if (!e) (void)__wasi_fd_close(fd);
    return e;
}
static int ro_unlink(void) { return __wasi_path_unlink_file(RO, "r.txt"); }
static int ro_rename(void) { return __wasi_path_rename(RO, "r.txt", RO, "r-renamed.txt"); }
static int ro_rename_dir(void) { return __wasi_path_rename(RO, "rsub", RO, "rsub-renamed"); }
static int ro_link(void) { return __wasi_path_link(RO, 0, "r.txt", RO, "r-link.txt"); }
static int ro_symlink(void) { return __wasi_path_symlink("r.txt", RO, "r-sym"); }
static int ro_mkdir(void) { return __wasi_path_create_directory(RO, "ro-newdir"); }
static int ro_rmdir(void) { return __wasi_path_remove_directory(RO, "rdir"); }
static int ro_setsize_fd(void) {
    int fd, e = open_at(RO, 0, "r.txt", 0, R_RD, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "setsize");
    e = __wasi_fd_filestat_set_size(fd, 0);
    (void)__wasi_fd_close(fd);
    return e;
}
static int ro_setsize_allrights(void) {
    int fd, e = open_at(RO, 0, "r.txt", 0, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "setsize");
    e = __wasi_fd_filestat_set_size(fd, 1);
    (void)__wasi_fd_close(fd);
    return e;
}
static int ro_settimes_path(void) { return __wasi_path_filestat_set_times(RO, 0, "r.txt", 1, 1, TIMES); }
static int ro_settimes_path_now(void) {
    return __wasi_path_filestat_set_times(RO, 0, "r.txt", 0, 0,
                                          __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW);
}
static int ro_settimes_fd(void) {
    int fd, e = open_at(RO, 0, "r.txt", 0, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "settimes");
    e = __wasi_fd_filestat_set_times(fd, 1, 1, TIMES);
    (void)__wasi_fd_close(fd);
    return e;
}
static int ro_settimes_dir(void) { return __wasi_fd_filestat_set_times(RO, 1, 1, TIMES); }
static int ro_pwrite(void) {
    int fd, e = open_at(RO, 0, "r.txt", 0, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "pwrite");
    __wasi_ciovec_t iov = { (const uint8_t *)"PWNED", 5 };
    __wasi_size_t n = 0;
    e = __wasi_fd_pwrite(fd, &iov, 1, 0, &n);
    (void)__wasi_fd_close(fd);
    return e;
}
static int ro_allocate(void) {
    int fd, e = open_at(RO, 0, "r.txt", 0, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "allocate");
    e = __wasi_fd_allocate(fd, 0, 4096);
    (void)__wasi_fd_close(fd);
    return e;
}
static int ro_rights_escalate(void) {
    int fd, e = open_at(RO, 0, "r.txt", 0, R_RD, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    int e1 = __wasi_fd_fdstat_set_rights(fd, R_ALL, R_ALL);
    char b[8];
    snprintf(b, sizeof b, "%d", e1);
    detail("set_rights=%s", b);
    detail("stage=%s", "write");
    e = write_fd(fd, "PWNED\n");
    (void)__wasi_fd_close(fd);
    return e;
}
static int ro_inherit_escalate(void) {
    /* open a sub-directory of the read-only grant asking for every right, then write inside it */
    int d, e = open_at(RO, 0, "rsub", O_DIR, R_DIR, 0, &d);
    if (e) { detail("stage=%s", "opendir"); return e; }
    e = try_write(d, 0, "x.txt", O_TR, R_ALL, 0);
    (void)__wasi_fd_close(d);
    return e;
}

/* ---------- quota on /rw ---------- */
static int quota_setsize(void) {
    int fd, e = open_at(RW, 0, "q-sparse.bin", O_CR | O_TR, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "setsize");
    e = __wasi_fd_filestat_set_size(fd, 1ULL << 30);
    (void)__wasi_fd_close(fd);
    return e;
}
static int quota_pwrite_far(void) {
    int fd, e = open_at(RW, 0, "q-far.bin", O_CR | O_TR, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "pwrite");
    __wasi_ciovec_t iov = { (const uint8_t *)"x", 1 };
    __wasi_size_t n = 0;
    e = __wasi_fd_pwrite(fd, &iov, 1, 1ULL << 30, &n);
    (void)__wasi_fd_close(fd);
    return e;
}
static int quota_seek_write_far(void) {
    int fd, e = open_at(RW, 0, "q-seek.bin", O_CR | O_TR, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    __wasi_filesize_t pos = 0;
    e = __wasi_fd_seek(fd, 1LL << 30, __WASI_WHENCE_SET, &pos);
    if (e) { detail("stage=%s", "seek"); (void)__wasi_fd_close(fd); return e; }
    detail("stage=%s", "write");
    e = write_fd(fd, "x");
    (void)__wasi_fd_close(fd);
    return e;
}
static int quota_allocate(void) {
    int fd, e = open_at(RW, 0, "q-alloc.bin", O_CR | O_TR, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "allocate");
    e = __wasi_fd_allocate(fd, 0, 1ULL << 30);
    (void)__wasi_fd_close(fd);
    return e;
}
static int quota_write(void) {
    static uint8_t chunk[4096];
    memset(chunk, 'q', sizeof chunk);
    int fd, e = open_at(RW, 0, "q-big.bin", O_CR | O_TR, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    unsigned long long total = 0;
    for (int i = 0; i < 1024; i++) { /* up to 4 MiB */
        __wasi_ciovec_t iov = { chunk, sizeof chunk };
        __wasi_size_t n = 0;
        e = __wasi_fd_write(fd, &iov, 1, &n);
        total += n;
        if (e) break;
    }
    (void)__wasi_fd_close(fd);
    char b[32];
    snprintf(b, sizeof b, "%llu", total);
    detail("written=%s", b);
    return e;
}
static int quota_many_files(void) {
    /* the quota must also hold when the bytes are spread over many files */
    static uint8_t chunk[4096];
    memset(chunk, 'm', sizeof chunk);
    unsigned long long total = 0;
    int e = 0;
    for (int i = 0; i < 1024 && !e; i++) {
        char name[32];
        snprintf(name, sizeof name, "q-many-%d.bin", i);
        int fd;
        e = open_at(RW, 0, name, O_CR | O_TR, R_ALL, 0, &fd);
        if (e) break;
        __wasi_ciovec_t iov = { chunk, sizeof chunk };
        __wasi_size_t n = 0;
        e = __wasi_fd_write(fd, &iov, 1, &n);
        total += n;
        (void)__wasi_fd_close(fd);
    }
    char b[32];
    snprintf(b, sizeof b, "%llu", total);
    detail("written=%s", b);
    return e;
}

/* unlinking a file that is still open frees no disk space: its bytes must not come back as quota */
static int quota_unlink_open(void) {
    static uint8_t chunk[4096];
    memset(chunk, 'u', sizeof chunk);
    unsigned long long total = 0;
    int e = 0, files = 0;
    int fds[64];
    for (int i = 0; i < 64 && !e; i++) {
        char name[32];
        snprintf(name, sizeof name, "q-open-%d.bin", i);
        int fd;
        e = open_at(RW, 0, name, O_CR | O_TR, R_ALL, 0, &fd);
        if (e) break;
        fds[files++] = fd;
        for (int k = 0; k < 8 && !e; k++) { /* 32 KiB per file */
            __wasi_ciovec_t iov = { chunk, sizeof chunk };
            __wasi_size_t n = 0;
            e = __wasi_fd_write(fd, &iov, 1, &n);
            total += n;
        }
        int u = __wasi_path_unlink_file(RW, name);
        if (u && !e) e = u;
    }
    for (int i = 0; i < files; i++) (void)__wasi_fd_close(fds[i]);
    char b[32];
    snprintf(b, sizeof b, "%llu", total);
    detail("written=%s", b);
    return e;
}

/* renaming over a file that is still open frees no disk space either */
static int quota_rename_over_open(void) {
    static uint8_t chunk[4096];
    memset(chunk, 'r', sizeof chunk);
    unsigned long long total = 0;
    int e = 0, files = 0;
    int fds[64];
    for (int i = 0; i < 64 && !e; i++) {
        int fd;
        e = open_at(RW, 0, "q-victim.bin", O_CR | O_TR, R_ALL, 0, &fd);
        if (e) break;
        fds[files++] = fd;
        for (int k = 0; k < 8 && !e; k++) {
            __wasi_ciovec_t iov = { chunk, sizeof chunk };
            __wasi_size_t n = 0;
            e = __wasi_fd_write(fd, &iov, 1, &n);
            total += n;
        }
        if (e) break;
        /* replace the open file's name with an empty file: the old inode lives on through fd */
        int t;
        e = open_at(RW, 0, "q-empty.bin", O_CR | O_TR, R_ALL, 0, &t);
        if (e) break;
        (void)__wasi_fd_close(t);
        e = __wasi_path_rename(RW, "q-empty.bin", RW, "q-victim.bin");
    }
    for (int i = 0; i < files; i++) (void)__wasi_fd_close(fds[i]);
    char b[32];
    snprintf(b, sizeof b, "%llu", total);
    detail("written=%s", b);
    return e;
}

/* do symlink targets and directories count against the quota? (reported, not judged) */
static int info_quota_symlink_flood(void) {
    static char target[4001];
    memset(target, 'x', 4000);
    target[4000] = 0;
    int made = 0, e = 0;
    for (int i = 0; i < 64; i++) {
        char name[32];
        snprintf(name, sizeof name, "q-sym-%d", i);
        e = __wasi_path_symlink(target, RW, name);
        if (e) break;
        made++;
    }
    char b[16];
    snprintf(b, sizeof b, "%d", made);
    detail("made=%s", b);
    return e;
}

/* ---------- forged and closed fds ---------- */
static int fd_forged_read(void) {
    uint8_t b[8];
    __wasi_iovec_t iov = { b, sizeof b };
    __wasi_size_t n;
    return __wasi_fd_read(77, &iov, 1, &n);
}
static int fd_forged_write(void) { return write_fd(1234, "x"); }
static int fd_forged_huge(void) { return write_fd(0x7fffffff, "x"); }
static int fd_forged_negative(void) { return write_fd((int)0xffffffffu, "x"); }
static int fd_forged_path_open(void) { return try_read(99, 0, "file.txt"); }
static int fd_forged_prestat(void) {
    __wasi_prestat_t p;
    return __wasi_fd_prestat_get(99, &p);
}
static int fd_forged_close(void) { return __wasi_fd_close(4096); }
static int fd_forged_renumber(void) {
    int e = __wasi_fd_renumber(99, RW);
    /* the failed renumber must leave the preopen usable */
    int e2 = try_read(RW, 0, "file.txt");
    char b[8];
    snprintf(b, sizeof b, "%d", e2);
    detail("rw_after=%s", b);
    return e;
}
/* rights belong to the descriptor, not its number: the read-only preopen moved onto /rw's number */
static int fd_renumber_ro_over_rw(void) {
    int e = __wasi_fd_renumber(RO, RW);
    if (e) { detail("stage=%s", "renumber"); return e; }
    return try_write(RW, 0, "r.txt", 0, R_ALL, 0);
}
static int fd_closed_read(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0, R_RD, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    (void)__wasi_fd_close(fd);
    detail("stage=%s", "read-after-close");
    uint8_t b[8];
    __wasi_iovec_t iov = { b, sizeof b };
    __wasi_size_t n;
    return __wasi_fd_read(fd, &iov, 1, &n);
}
static int fd_closed_double_close(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0, R_RD, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    (void)__wasi_fd_close(fd);
    detail("stage=%s", "second-close");
    return __wasi_fd_close(fd);
}
static int fd_file_as_dir(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "open-under-file");
    e = try_read(fd, 0, "../outside/secret.txt");
    (void)__wasi_fd_close(fd);
    return e;
}
static int fd_stdin_as_dir(void) { return try_read(0, 0, "etc/passwd"); }
static int fd_closed_preopen(void) {
    /* closes the /empty preopen, then tries to use its number */
    int e = __wasi_fd_close(EMPTY);
    if (e) { detail("stage=%s", "close"); return e; }
    detail("stage=%s", "reuse");
    return try_dir(EMPTY, 0, ".");
}

/* ---------- env ---------- */
static int env_probe(const char *name) {
    const char *v = getenv(name);
    if (!v) return ENOENT;
    detail_bytes("value", (const unsigned char *)v, strlen(v));
    return 0;
}
extern char **environ;
static int env_granted(void) { return env_probe("ALLOWED"); }
static int env_home(void) { return env_probe("HOME"); }
static int env_path(void) { return env_probe("PATH"); }
static int env_user(void) { return env_probe("USER"); }
static int env_java_home(void) { return env_probe("JAVA_HOME"); }
static int env_secret(void) { return env_probe("MCPWASM_TEST_SECRET"); }
static int env_count(void) {
    int n = 0;
    for (char **e = environ; e && *e; e++) {
        n++;
        detail_bytes("var", (const unsigned char *)*e, strcspn(*e, "="));
    }
    char b[16];
    snprintf(b, sizeof b, "%d", n);
    detail("count=%s", b);
    return 0;
}

/* ---------- the secret ---------- */
static int secret_read(void) {
    FILE *f = fopen("/run/secrets/token", "r");
    if (!f) return errno;
    char b[64];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    detail_bytes("leak", (unsigned char *)b, n);
    return 0;
}
static int secret_from_rw_dotdot(void) { return try_read(RW, FOLLOW, "../run/secrets/token"); }
static int secret_from_rw_abs(void) { return try_read(RW, FOLLOW, "/run/secrets/token"); }
static int secret_from_rw_name(void) { return try_read(RW, FOLLOW, "run/secrets/token"); }
static int secret_from_rw_base(void) { return try_read(RW, FOLLOW, "token"); }
static int secret_from_ro_abs(void) { return try_read(RO, FOLLOW, "/run/secrets/token"); }
static int secret_write(void) {
    if (!need(SEC)) return SKIP;
    return try_write(SEC, 0, SEC_REL, 0, R_ALL, 0);
}
static int secret_trunc(void) {
    if (!need(SEC)) return SKIP;
    return try_write(SEC, 0, SEC_REL, O_TR, R_ALL, 0);
}
static int secret_unlink(void) {
    if (!need(SEC)) return SKIP;
    return __wasi_path_unlink_file(SEC, SEC_REL);
}
static int secret_rename_into_rw(void) {
    if (!need(SEC)) return SKIP;
    return __wasi_path_rename(SEC, SEC_REL, RW, "token-moved");
}
static int secret_link_into_rw(void) {
    if (!need(SEC)) return SKIP;
    return __wasi_path_link(SEC, 0, SEC_REL, RW, "token-link");
}
static int secret_create_beside(void) {
    if (!need(SEC)) return SKIP;
    char p[300];
    snprintf(p, sizeof p, "%s-beside", SEC_REL);
    return try_write(SEC, 0, p, O_CR, R_ALL, 0);
}
static int secret_setsize(void) {
    if (!need(SEC)) return SKIP;
    int fd, e = open_at(SEC, 0, SEC_REL, 0, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    detail("stage=%s", "setsize");
    e = __wasi_fd_filestat_set_size(fd, 0);
    (void)__wasi_fd_close(fd);
    return e;
}
static int secret_rename_inside(void) {
    if (!need(SEC)) return SKIP;
    char p[300];
    snprintf(p, sizeof p, "%s-renamed", SEC_REL);
    return __wasi_path_rename(SEC, SEC_REL, SEC, p);
}
static int secret_mkdir(void) {
    if (!need(SEC)) return SKIP;
    return __wasi_path_create_directory(SEC, "newdir");
}
static int secret_symlink(void) {
    if (!need(SEC)) return SKIP;
    return __wasi_path_symlink("../../rw/file.txt", SEC, "link");
}
static int secret_dir_dotdot(void) {
    if (!need(SEC)) return SKIP;
    return try_dir(SEC, 0, "../../..");
}
static int secret_dir_to_rw(void) {
    /* from the secret's directory (e.g. /run/secrets) up and over into another grant's host directory */
    if (!need(SEC)) return SKIP;
    return try_read(SEC, 0, "../../rw/file.txt");
}

/* ---------- hostile paths and pointers ---------- */
static int path_nul(void) {
    static const char p[] = "file.txt\0/../../outside/secret.txt";
    uint32_t fd = 0;
    int e = raw_path_open(RW, 0, (int32_t)(uintptr_t)p, (int32_t)(sizeof p - 1), 0, (int64_t)R_RD,
                          (int64_t)R_RD, 0, (int32_t)(uintptr_t)&fd);
    if (!e) { leak((int)fd); (void)__wasi_fd_close((int)fd); }
    return e;
}
static int path_nul_dotdot(void) {
    static const char p[] = "../outside/secret.txt\0";
    uint32_t fd = 0;
    int e = raw_path_open(RW, 0, (int32_t)(uintptr_t)p, (int32_t)(sizeof p - 1), 0, (int64_t)R_RD,
                          (int64_t)R_RD, 0, (int32_t)(uintptr_t)&fd);
    if (!e) { leak((int)fd); (void)__wasi_fd_close((int)fd); }
    return e;
}
static int path_len_short(void) {
    /* a length that cuts "../outside" to ".." */
    static const char p[] = "..XXXXXX";
    uint32_t fd = 0;
    int e = raw_path_open(RW, 0, (int32_t)(uintptr_t)p, 2, O_DIR, (int64_t)R_ALL, (int64_t)R_ALL, 0,
                          (int32_t)(uintptr_t)&fd);
    if (!e) (void)__wasi_fd_close((int)fd);
    return e;
}
static int path_bad_utf8(void) { return try_read(RW, 0, "\xc0\xae\xc0\xae/outside/secret.txt"); }
static int path_backslash(void) { return try_read(RW, 0, "..\\outside\\secret.txt"); }
static int path_long(void) {
    static char p[9000];
    for (int i = 0; i < 4000; i++) { p[2 * i] = 'a'; p[2 * i + 1] = '/'; }
    p[8000] = 'x';
    p[8001] = 0;
    return try_read(RW, 0, p);
}
/* not in "all": these may legitimately trap the guest instead of returning EFAULT */
static int mem_path_oob(void) {
    uint32_t fd = 0;
    return raw_path_open(RW, 0, (int32_t)0xfffffff0u, 0x100, 0, (int64_t)R_RD, (int64_t)R_RD, 0,
                         (int32_t)(uintptr_t)&fd);
}
static int mem_path_len_huge(void) {
    uint32_t fd = 0;
    return raw_path_open(RW, 0, (int32_t)(uintptr_t)"file.txt", 0x7fffffff, 0, (int64_t)R_RD, (int64_t)R_RD,
                         0, (int32_t)(uintptr_t)&fd);
}
static int mem_retptr_oob(void) {
    static const char p[] = "file.txt";
    return raw_path_open(RW, 0, (int32_t)(uintptr_t)p, 8, 0, (int64_t)R_RD, (int64_t)R_RD, 0,
                         (int32_t)0xfffffffeu);
}
static int mem_iovec_oob(void) {
    static uint32_t iov[2];
    static uint32_t n;
    iov[0] = 0xffffff00u;
    iov[1] = 0x1000;
    return raw_fd_write(1, (int32_t)(uintptr_t)iov, 1, (int32_t)(uintptr_t)&n);
}
static int mem_iovec_count_huge(void) {
    static uint32_t iov[2];
    static uint32_t n;
    static uint8_t b[4];
    iov[0] = (uint32_t)(uintptr_t)b;
    iov[1] = 4;
    return raw_fd_read(3, (int32_t)(uintptr_t)iov, 0x10000000, (int32_t)(uintptr_t)&n);
}

/* lengths far past the end of memory with a valid start: EFAULT, without the host allocating them first */
static int mem_readdir_huge(void) {
    static uint8_t b[16];
    __wasi_size_t used = 0;
    return __wasi_fd_readdir(RW, b, 0x7ffffff0u, 0, &used);
}
static int mem_readlink_huge(void) {
    static uint8_t b[16];
    __wasi_size_t used = 0;
    return __wasi_path_readlink(RW, "in_link", b, 0x7ffffff0u, &used);
}
static int mem_random_huge(void) {
    static uint8_t b[16];
    return __wasi_random_get(b, 0x7ffffff0u);
}
static int mem_read_huge(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0, R_RD, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    static uint8_t b[16];
    __wasi_iovec_t iov = { b, 0x7ffffff0u };
    __wasi_size_t n = 0;
    e = __wasi_fd_read(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
    return e;
}
static int mem_poll_huge(void) {
    static uint8_t in[64], out[64];
    __wasi_size_t n = 0;
    return __wasi_poll_oneoff((const __wasi_subscription_t *)in, (__wasi_event_t *)out, 0x10000000u, &n);
}

/* odd but in-bounds arguments: any errno or OK, never a host exception (which would trap the guest) */
static int robust_readdir_cookie(void) {
    static uint8_t b[256];
    __wasi_size_t used = 0;
    int e = __wasi_fd_readdir(RW, b, sizeof b, 0xfffffffffffffff0ull, &used);
    if (!e && used) detail("stage=%s", "returned-entries");
    return e;
}
static int robust_readdir_cookie_mid(void) {
    static uint8_t b[256];
    __wasi_size_t used = 0;
    return __wasi_fd_readdir(RW, b, sizeof b, 0x7fffffffull, &used);
}
static int robust_seek_negative(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0, R_RD, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    __wasi_filesize_t pos;
    e = __wasi_fd_seek(fd, -100, __WASI_WHENCE_SET, &pos);
    (void)__wasi_fd_close(fd);
    return e;
}
static int robust_seek_bad_whence(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0, R_RD, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    __wasi_filesize_t pos;
    e = __wasi_fd_seek(fd, 0, 7, &pos);
    (void)__wasi_fd_close(fd);
    return e;
}
static int robust_pread_huge_offset(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0, R_RD, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    uint8_t b[8];
    __wasi_iovec_t iov = { b, sizeof b };
    __wasi_size_t n = 0;
    e = __wasi_fd_pread(fd, &iov, 1, 0xfffffffffffffff0ull, &n);
    (void)__wasi_fd_close(fd);
    return e;
}
static int robust_pwrite_huge_offset(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    __wasi_ciovec_t iov = { (const uint8_t *)"x", 1 };
    __wasi_size_t n = 0;
    e = __wasi_fd_pwrite(fd, &iov, 1, 0x7ffffffffffffff0ull, &n);
    (void)__wasi_fd_close(fd);
    return e;
}
static int robust_setsize_negative(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    e = __wasi_fd_filestat_set_size(fd, 0xffffffffffffff00ull);
    (void)__wasi_fd_close(fd);
    return e;
}
static int robust_open_bad_flags(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0xfff0, R_RD, 0xfff0, &fd);
    if (!e) (void)__wasi_fd_close(fd);
    return e;
}
static int robust_settimes_bad_flags(void) {
    return __wasi_path_filestat_set_times(RW, 0, "file.txt", 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW);
}
static int robust_clock_bad_id(void) {
    __wasi_timestamp_t t;
    return __wasi_clock_time_get(99, 1, &t);
}
static int robust_poll_zero(void) {
    static uint8_t in[64], out[64];
    __wasi_size_t n = 0;
    return __wasi_poll_oneoff((const __wasi_subscription_t *)in, (__wasi_event_t *)out, 0, &n);
}
static int robust_advise_bad(void) {
    int fd, e = open_at(RW, 0, "file.txt", 0, R_ALL, 0, &fd);
    if (e) { detail("stage=%s", "open"); return e; }
    e = __wasi_fd_advise(fd, 0, 0, 99);
    (void)__wasi_fd_close(fd);
    return e;
}

struct attack { const char *name; int (*fn)(void); int in_all; };
#define A(f) { #f, f, 1 }
#define M(f) { #f, f, 0 }
static const struct attack ATTACKS[] = {
    A(ctl_read_rw), A(ctl_read_ro), A(ctl_dotdot_inside), A(ctl_libc_read), A(ctl_write_rw),
    A(info_inside_link), A(info_subfd_parent), A(info_readlink_rel),
    A(abs_raw_etc), A(abs_raw_etc_follow), A(abs_raw_root_dir), A(abs_raw_double_slash), A(abs_raw_hostpath),
    A(abs_raw_hostpath_ro), A(abs_raw_create), A(abs_raw_mkdir), A(abs_libc_etc), A(abs_libc_hostpath),
    A(dotdot_lead), A(dotdot_only), A(dotdot_only_slash), A(dotdot_mid), A(dotdot_trail),
    A(dotdot_dots_slashes), A(dotdot_out_and_back), A(dotdot_many), A(dotdot_follow_flag), A(dotdot_ro),
    A(dotdot_empty), A(dotdot_subfd), A(dotdot_stat), A(dotdot_stat_dir), A(dotdot_create), A(dotdot_trunc),
    A(dotdot_mkdir), A(dotdot_rmdir), A(dotdot_unlink), A(dotdot_settimes), A(dotdot_symlink_at),
    A(dotdot_readlink), A(dotdot_libc),
    A(sym_last_abs), A(sym_last_rel), A(sym_mid_abs), A(sym_mid_rel), A(sym_mid_abs_nofollow),
    A(sym_mid_rel_nofollow), A(sym_last_abs_nofollow), A(sym_last_rel_nofollow), A(sym_deep_rel), A(sym_chain),
    A(sym_chain_last), A(sym_loop), A(sym_loop_mid), A(sym_self), A(sym_dir_readdir), A(sym_dir_readdir_abs),
    A(sym_dir_trailing_slash), A(sym_stat_follow), A(sym_stat_mid), A(sym_write_through),
    A(sym_append_through), A(sym_create_through_dir), A(sym_create_dangling), A(sym_create_dangling_nofollow),
    A(sym_mkdir_through), A(sym_rmdir_through), A(sym_unlink_through), A(sym_rename_from_through),
    A(sym_rename_to_through), A(sym_link_follow), A(sym_link_follow_abs), A(sym_settimes_follow),
    A(sym_symlink_through), A(sym_readlink_abs), A(sym_readlink_abs_dir), A(sym_subfd_through),
    A(sym_ro_link), A(link_symlink_nofollow), A(sym_rmdir_trailing_slash), A(sym_unlink_trailing_slash),
    A(sym_rename_trailing_slash), A(sym_rename_onto_trailing_slash),
    A(fd_stale_dir_rename_read), A(fd_stale_dir_rename_create), A(fd_stale_dir_rmdir_read),
    A(fd_stale_dir_rmdir_create),
    A(gsym_rel_out), A(gsym_abs_etc), A(gsym_abs_host), A(gsym_dir_out), A(gsym_write_out),
    A(gsym_create_out), A(gsym_moved_out), A(gsym_ro_target), A(gsym_via_planted), A(gsym_via_planted_write),
    A(gsym_moved_dir_out),
    A(link_src_out), A(link_dst_out), A(link_src_abs), A(link_src_through_dir), A(link_from_ro), A(link_to_ro),
    A(rename_dst_out), A(rename_src_out), A(rename_dst_abs), A(rename_dir_out), A(rename_ro_to_rw),
    A(rename_rw_to_ro),
    A(root_rmdir_dot), A(root_rmdir_empty_path), A(root_rmdir_slash), A(root_rmdir_libc),
    A(root_rmdir_sub_dotdot), A(root_rename_dot), A(root_rename_into_rw), A(root_rename_over),
    A(root_unlink_dot), A(root_rmdir_ro),
    A(ro_write_open), A(ro_write_readfd), A(ro_append), A(ro_create), A(ro_create_excl), A(ro_trunc),
    A(ro_trunc_readrights), A(ro_unlink), A(ro_rename), A(ro_rename_dir), A(ro_link), A(ro_symlink),
    A(ro_mkdir), A(ro_rmdir), A(ro_setsize_fd), A(ro_setsize_allrights), A(ro_settimes_path),
    A(ro_settimes_path_now), A(ro_settimes_fd), A(ro_settimes_dir), A(ro_pwrite), A(ro_allocate),
    A(ro_rights_escalate), A(ro_inherit_escalate),
    A(fd_forged_read), A(fd_forged_write), A(fd_forged_huge), A(fd_forged_negative), A(fd_forged_path_open),
    A(fd_forged_prestat), A(fd_forged_close), A(fd_forged_renumber), A(fd_closed_read),
    A(fd_closed_double_close), A(fd_file_as_dir), A(fd_stdin_as_dir),
    A(env_granted), A(env_home), A(env_path), A(env_user), A(env_java_home), A(env_secret), A(env_count),
    A(secret_read), A(secret_from_rw_dotdot), A(secret_from_rw_abs), A(secret_from_rw_name),
    A(secret_from_rw_base), A(secret_from_ro_abs), A(secret_write), A(secret_trunc), A(secret_unlink),
    A(secret_rename_into_rw), A(secret_link_into_rw), A(secret_create_beside), A(secret_setsize),
    A(secret_rename_inside), A(secret_mkdir), A(secret_symlink), A(secret_dir_dotdot),
    A(secret_dir_to_rw),
    A(path_nul), A(path_nul_dotdot), A(path_len_short), A(path_bad_utf8), A(path_backslash), A(path_long),
    A(robust_readdir_cookie), A(robust_readdir_cookie_mid), A(robust_seek_negative), A(robust_seek_bad_whence),
    A(robust_pread_huge_offset), A(robust_pwrite_huge_offset), A(robust_setsize_negative),
    A(robust_open_bad_flags), A(robust_settimes_bad_flags), A(robust_clock_bad_id), A(robust_poll_zero),
    A(robust_advise_bad),
    /* quota last: they fill /rw */
    A(quota_setsize), A(quota_pwrite_far), A(quota_seek_write_far), A(quota_allocate), A(quota_write),
    A(quota_many_files), A(quota_unlink_open), A(quota_rename_over_open),
    A(info_quota_symlink_flood),
    /* renumbers /ro over /rw: after everything that uses either */
    A(fd_renumber_ro_over_rw),
    /* closes /empty: after everything that uses it */
    A(fd_closed_preopen),
    M(mem_path_oob), M(mem_path_len_huge), M(mem_retptr_oob), M(mem_iovec_oob), M(mem_iovec_count_huge),
    M(mem_readdir_huge), M(mem_readlink_huge), M(mem_random_huge), M(mem_read_huge), M(mem_poll_huge),
};
#define N_ATTACKS (sizeof ATTACKS / sizeof ATTACKS[0])

static void find_preopens(void) {
    for (int fd = 3; fd < 64; fd++) {
        __wasi_prestat_t p;
        if (__wasi_fd_prestat_get(fd, &p) != 0) continue;
        if (p.tag != __WASI_PREOPENTYPE_DIR) continue;
        char name[256];
        size_t len = p.u.dir.pr_name_len;
        if (len >= sizeof name) continue;
        if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len) != 0) continue;
        name[len] = 0;
        while (len > 1 && name[len - 1] == '/') name[--len] = 0;
        if (!strcmp(name, "/rw")) RW = fd;
        else if (!strcmp(name, "/ro")) RO = fd;
        else if (!strcmp(name, "/empty")) EMPTY = fd;
        const char *secret = "/run/secrets/token";
        size_t sl = strlen(secret);
        int is_root = !strcmp(name, "/");
        if (SEC < 0 && (is_root || (len < sl && !strncmp(secret, name, len) && secret[len] == '/'))) {
            SEC = fd;
            snprintf(SEC_REL, sizeof SEC_REL, "%s", secret + (is_root ? 1 : len + 1));
        }
    }
}

static void run(const struct attack *a) {
    DETAIL[0] = 0;
    int e = a->fn();
    if (e == SKIP) printf("%s SKIP", a->name);
    else if (e == 0) printf("%s OK", a->name);
    else printf("%s %d", a->name, e);
    if (DETAIL[0]) printf(" %s", DETAIL);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *which = argc > 1 ? argv[1] : "all";
    HOST_ROOT = argc > 2 ? argv[2] : NULL;
    find_preopens();
    if (!strcmp(which, "list")) {
        for (size_t i = 0; i < N_ATTACKS; i++) printf("%s%s\n", ATTACKS[i].name, ATTACKS[i].in_all ? "" : " mem");
        return 0;
    }
    if (RW < 0 || RO < 0 || EMPTY < 0) {
        printf("setup missing-preopen rw=%d ro=%d empty=%d\n", RW, RO, EMPTY);
        return 2;
    }
    if (!strcmp(which, "all")) {
        for (size_t i = 0; i < N_ATTACKS; i++) if (ATTACKS[i].in_all) run(&ATTACKS[i]);
        printf("done\n");
        return 0;
    }
    for (size_t i = 0; i < N_ATTACKS; i++) {
        if (!strcmp(ATTACKS[i].name, which)) { run(&ATTACKS[i]); printf("done\n"); return 0; }
    }
    printf("unknown-attack %s\n", which);
    return 3;
}
