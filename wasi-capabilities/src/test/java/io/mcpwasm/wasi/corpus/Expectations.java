package io.mcpwasm.wasi.corpus;

import static io.mcpwasm.wasi.internal.Errno.EACCES;
import static io.mcpwasm.wasi.internal.Errno.EBADF;
import static io.mcpwasm.wasi.internal.Errno.EBUSY;
import static io.mcpwasm.wasi.internal.Errno.EDQUOT;
import static io.mcpwasm.wasi.internal.Errno.EEXIST;
import static io.mcpwasm.wasi.internal.Errno.EFAULT;
import static io.mcpwasm.wasi.internal.Errno.EFBIG;
import static io.mcpwasm.wasi.internal.Errno.EILSEQ;
import static io.mcpwasm.wasi.internal.Errno.EINVAL;
import static io.mcpwasm.wasi.internal.Errno.EISDIR;
import static io.mcpwasm.wasi.internal.Errno.ELOOP;
import static io.mcpwasm.wasi.internal.Errno.ENAMETOOLONG;
import static io.mcpwasm.wasi.internal.Errno.ENOENT;
import static io.mcpwasm.wasi.internal.Errno.ENOSPC;
import static io.mcpwasm.wasi.internal.Errno.ENOTCAPABLE;
import static io.mcpwasm.wasi.internal.Errno.ENOTDIR;
import static io.mcpwasm.wasi.internal.Errno.ENOTEMPTY;
import static io.mcpwasm.wasi.internal.Errno.ENOTSUP;
import static io.mcpwasm.wasi.internal.Errno.EOVERFLOW;
import static io.mcpwasm.wasi.internal.Errno.EPERM;
import static io.mcpwasm.wasi.internal.Errno.EROFS;
import static io.mcpwasm.wasi.internal.Errno.EXDEV;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What mcpwasm's WASI host must answer to each attack of hostile.c. {@code preferred} is the WASI
 * convention; {@code accepted} are other refusals a careful host may choose (the test notes them).
 */
final class Expectations {

    enum Kind {
        /** must succeed (a control: proves the grant works, so refusals elsewhere mean something) */
        OK,
        /** must be refused */
        REFUSE,
        /** either way; recorded in the report (a policy choice, not a confinement question) */
        INFO,
        /** may trap the guest instead of returning an errno */
        REFUSE_OR_TRAP
    }

    /**
     * @param audited a DENIED audit event must accompany the refusal (when the errno is a capability refusal)
     * @param detail  text the output line must contain (e.g. the bytes read by a control), or null
     */
    record Expect(Kind kind, Set<Integer> preferred, Set<Integer> accepted, boolean audited, String detail) {}

    // escapes out of a grant: ENOTCAPABLE; EPERM/EACCES are refusals too; ENOENT hides existence
    static final Set<Integer> ESCAPE = Set.of(ENOTCAPABLE);
    static final Set<Integer> ESCAPE_ALT = Set.of(EPERM, EACCES, ENOENT);
    // mutations on a read-only grant
    static final Set<Integer> RO = Set.of(EROFS);
    static final Set<Integer> RO_ALT = Set.of(EPERM, EACCES, ENOTCAPABLE, EBADF);
    // a cross-grant link or rename
    static final Set<Integer> CROSS = Set.of(EXDEV, EROFS);
    static final Set<Integer> CROSS_ALT = Set.of(EPERM, EACCES, ENOTCAPABLE);
    // quota
    static final Set<Integer> QUOTA = Set.of(EDQUOT, ENOSPC);
    static final Set<Integer> QUOTA_ALT = Set.of(EFBIG, ENOTSUP);
    // the grant root itself
    static final Set<Integer> ROOT = Set.of(ENOTCAPABLE, EBUSY, EPERM, EACCES, EINVAL);
    static final Set<Integer> ROOT_ALT = Set.of(ENOENT, ENOTEMPTY, EISDIR, EEXIST, EROFS, EXDEV);
    static final Set<Integer> BADF = Set.of(EBADF);
    static final Set<Integer> LOOP = Set.of(ELOOP);
    static final Set<Integer> LOOP_ALT = Set.of(ENOTCAPABLE);

    static final Map<String, Expect> EXPECT = new LinkedHashMap<>();

    private static void put(String name, Kind kind, Set<Integer> preferred, Set<Integer> accepted, boolean audited,
                            String detail) {
        if (EXPECT.put(name, new Expect(kind, preferred, accepted, audited, detail)) != null) {
            throw new IllegalStateException("duplicate " + name);
        }
    }

    private static void ok(String name, String detail) {
        put(name, Kind.OK, Set.of(), Set.of(), false, detail);
    }

    private static void info(String name) {
        put(name, Kind.INFO, Set.of(), Set.of(), false, null);
    }

    private static void refuse(String name, Set<Integer> preferred, Set<Integer> accepted) {
        put(name, Kind.REFUSE, preferred, accepted, true, null);
    }

    /** refused, but the host may not see it (wasi-libc refuses first) or it is not a capability decision */
    private static void refuseUnaudited(String name, Set<Integer> preferred, Set<Integer> accepted) {
        put(name, Kind.REFUSE, preferred, accepted, false, null);
    }

    private static void escape(String... names) {
        for (String n : names) refuse(n, ESCAPE, ESCAPE_ALT);
    }

    private static void readOnly(String... names) {
        for (String n : names) refuse(n, RO, RO_ALT);
    }

    static {
        ok("ctl_read_rw", "leak=rw\\x20file\\x0a");
        ok("ctl_read_ro", "leak=ro\\x20file\\x0a");
        ok("ctl_dotdot_inside", "leak=rw\\x20file\\x0a");
        ok("ctl_libc_read", "leak=inside\\x20a\\x0a");
        ok("ctl_write_rw", "stage=write");
        info("info_inside_link");
        info("info_subfd_parent");
        info("info_readlink_rel");
        info("info_quota_symlink_flood");

        escape("abs_raw_etc", "abs_raw_etc_follow", "abs_raw_root_dir", "abs_raw_double_slash", "abs_raw_hostpath",
                "abs_raw_hostpath_ro", "abs_raw_create", "abs_raw_mkdir");
        // wasi-libc refuses absolute paths that match no preopen before the host is asked
        refuseUnaudited("abs_libc_etc", ESCAPE, ESCAPE_ALT);
        refuseUnaudited("abs_libc_hostpath", ESCAPE, ESCAPE_ALT);

        escape("dotdot_lead", "dotdot_only", "dotdot_only_slash", "dotdot_mid", "dotdot_trail", "dotdot_dots_slashes",
                "dotdot_out_and_back", "dotdot_many", "dotdot_follow_flag", "dotdot_ro", "dotdot_empty",
                "dotdot_subfd", "dotdot_stat", "dotdot_stat_dir", "dotdot_create", "dotdot_trunc", "dotdot_mkdir",
                "dotdot_rmdir", "dotdot_unlink", "dotdot_settimes", "dotdot_symlink_at", "dotdot_readlink",
                "dotdot_libc");

        escape("sym_last_abs", "sym_last_rel", "sym_mid_abs", "sym_mid_rel", "sym_mid_abs_nofollow",
                "sym_mid_rel_nofollow", "sym_deep_rel", "sym_chain", "sym_chain_last", "sym_dir_readdir",
                "sym_dir_readdir_abs", "sym_stat_follow", "sym_stat_mid", "sym_write_through", "sym_append_through",
                "sym_create_through_dir", "sym_create_dangling", "sym_mkdir_through", "sym_rmdir_through",
                "sym_unlink_through", "sym_rename_from_through", "sym_rename_to_through", "sym_link_follow",
                "sym_link_follow_abs", "sym_settimes_follow", "sym_symlink_through", "sym_subfd_through");
        // opening the link itself without SYMLINK_FOLLOW: O_NOFOLLOW semantics (ELOOP), or refused as an escape
        refuseUnaudited("sym_last_abs_nofollow", LOOP, LOOP_ALT);
        refuseUnaudited("sym_last_rel_nofollow", LOOP, LOOP_ALT);
        refuseUnaudited("sym_create_dangling_nofollow", LOOP, Set.of(ENOTCAPABLE, EEXIST));
        refuseUnaudited("sym_dir_trailing_slash", ESCAPE, Set.of(ELOOP, ENOTDIR, EPERM, EACCES, ENOENT));
        refuseUnaudited("sym_loop", LOOP, LOOP_ALT);
        refuseUnaudited("sym_loop_mid", LOOP, LOOP_ALT);
        refuseUnaudited("sym_self", LOOP, LOOP_ALT);
        // readlink of a link out: refused, or answered without the host path (checked by the test)
        info("sym_readlink_abs");
        info("sym_readlink_abs_dir");

        escape("sym_ro_link", "link_symlink_nofollow");
        // a descriptor whose directory was moved or removed and replaced by a link out: reading the decoy in
        // the moved directory (OK), ENOENT, or a refusal are all fine; the leak and tree checks catch an escape
        for (String n : new String[] {"fd_stale_dir_rename_read", "fd_stale_dir_rename_create",
                "fd_stale_dir_rmdir_read", "fd_stale_dir_rmdir_create"}) {
            info(n);
        }
        // a trailing slash on a link out: refused, or applied to the link itself (inside); the tree check
        // proves outside/emptydir stayed
        for (String n : new String[] {"sym_rmdir_trailing_slash", "sym_unlink_trailing_slash",
                "sym_rename_trailing_slash", "sym_rename_onto_trailing_slash"}) {
            info(n);
        }
        escape("gsym_rel_out", "gsym_abs_etc", "gsym_abs_host", "gsym_dir_out", "gsym_write_out", "gsym_create_out",
                "gsym_moved_out", "gsym_ro_target", "gsym_via_planted", "gsym_via_planted_write", "gsym_moved_dir_out");

        escape("link_src_out", "link_dst_out", "link_src_abs", "link_src_through_dir");
        refuse("link_from_ro", CROSS, CROSS_ALT);
        refuse("link_to_ro", CROSS, CROSS_ALT);

        escape("rename_dst_out", "rename_src_out", "rename_dst_abs", "rename_dir_out");
        refuse("rename_ro_to_rw", CROSS, CROSS_ALT);
        refuse("rename_rw_to_ro", CROSS, CROSS_ALT);

        for (String n : new String[] {"root_rmdir_dot", "root_rmdir_slash", "root_rmdir_libc", "root_rename_dot",
                "root_rename_into_rw", "root_rename_over", "root_unlink_dot", "root_rmdir_ro"}) {
            refuseUnaudited(n, ROOT, ROOT_ALT);
        }
        refuseUnaudited("root_rmdir_empty_path", Set.of(ENOENT, EINVAL), ROOT);
        // "d/.." is the grant root, which holds d: ENOTEMPTY is the honest answer; the tree check proves it stayed
        refuseUnaudited("root_rmdir_sub_dotdot", ROOT, ROOT_ALT);

        readOnly("ro_write_open", "ro_append", "ro_create", "ro_create_excl", "ro_trunc", "ro_trunc_readrights",
                "ro_unlink", "ro_rename", "ro_rename_dir", "ro_link", "ro_symlink", "ro_mkdir", "ro_rmdir",
                "ro_setsize_allrights", "ro_settimes_path", "ro_settimes_path_now", "ro_settimes_fd",
                "ro_settimes_dir", "ro_pwrite", "ro_allocate", "ro_inherit_escalate");
        // a write or set-size on a descriptor opened without the right: EBADF (POSIX) or a rights refusal
        refuseUnaudited("ro_write_readfd", BADF, Set.of(ENOTCAPABLE, EROFS, EPERM, EACCES));
        refuseUnaudited("ro_setsize_fd", BADF, Set.of(ENOTCAPABLE, EROFS, EPERM, EACCES, EINVAL));
        refuseUnaudited("ro_rights_escalate", BADF, Set.of(ENOTCAPABLE, EROFS, EPERM, EACCES));

        for (String n : new String[] {"fd_forged_read", "fd_forged_write", "fd_forged_huge", "fd_forged_negative",
                "fd_forged_path_open", "fd_forged_prestat", "fd_forged_close", "fd_forged_renumber",
                "fd_closed_read", "fd_closed_double_close", "fd_closed_preopen"}) {
            refuseUnaudited(n, BADF, Set.of());
        }
        readOnly("fd_renumber_ro_over_rw");
        refuseUnaudited("fd_file_as_dir", Set.of(ENOTDIR), Set.of(ENOTCAPABLE, EBADF));
        refuseUnaudited("fd_stdin_as_dir", Set.of(ENOTDIR, EBADF), Set.of(ENOTCAPABLE));

        ok("env_granted", "value=yes");
        for (String n : new String[] {"env_home", "env_path", "env_user", "env_java_home", "env_secret"}) {
            refuseUnaudited(n, Set.of(ENOENT), Set.of()); // the guest reports "not visible" as ENOENT
        }
        ok("env_count", "count=1");

        ok("secret_read", "leak=" + HostileGuestTest.SECRET_ESCAPED);
        escape("secret_from_rw_dotdot", "secret_from_rw_abs", "secret_from_ro_abs", "secret_dir_dotdot",
                "secret_dir_to_rw");
        refuseUnaudited("secret_from_rw_name", Set.of(ENOENT), Set.of());
        refuseUnaudited("secret_from_rw_base", Set.of(ENOENT), Set.of());
        readOnly("secret_write", "secret_trunc", "secret_unlink", "secret_create_beside", "secret_setsize",
                "secret_rename_inside", "secret_mkdir", "secret_symlink");
        refuse("secret_rename_into_rw", CROSS, CROSS_ALT);
        refuse("secret_link_into_rw", CROSS, CROSS_ALT);

        refuseUnaudited("path_nul", Set.of(EINVAL, EILSEQ), Set.of(ENOENT, ENOTCAPABLE));
        refuseUnaudited("path_nul_dotdot", Set.of(EINVAL, EILSEQ, ENOTCAPABLE), Set.of(ENOENT));
        escape("path_len_short");
        refuseUnaudited("path_bad_utf8", Set.of(EILSEQ, ENOENT), Set.of(EINVAL, ENOTCAPABLE));
        refuseUnaudited("path_backslash", Set.of(ENOENT), Set.of(EINVAL, EILSEQ, ENOTCAPABLE));
        refuseUnaudited("path_long", Set.of(ENAMETOOLONG, ENOENT), Set.of(EINVAL));

        // odd arguments: the answer is recorded; the guest must not trap and nothing may change outside
        for (String n : new String[] {"robust_readdir_cookie", "robust_readdir_cookie_mid", "robust_seek_negative",
                "robust_seek_bad_whence", "robust_pread_huge_offset", "robust_pwrite_huge_offset",
                "robust_setsize_negative", "robust_open_bad_flags", "robust_settimes_bad_flags",
                "robust_clock_bad_id", "robust_poll_zero", "robust_advise_bad"}) {
            info(n);
        }

        for (String n : new String[] {"quota_setsize", "quota_pwrite_far", "quota_seek_write_far", "quota_allocate",
                "quota_write", "quota_many_files", "quota_unlink_open", "quota_rename_over_open"}) {
            refuse(n, QUOTA, QUOTA_ALT);
        }

        for (String n : new String[] {"mem_path_oob", "mem_path_len_huge", "mem_retptr_oob", "mem_iovec_oob",
                "mem_iovec_count_huge", "mem_readdir_huge", "mem_readlink_huge", "mem_random_huge", "mem_read_huge",
                "mem_poll_huge"}) {
            put(n, Kind.REFUSE_OR_TRAP, Set.of(EFAULT), Set.of(EOVERFLOW, EINVAL), false, null);
        }
    }

    private Expectations() {}
}
