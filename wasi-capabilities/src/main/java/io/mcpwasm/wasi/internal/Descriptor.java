package io.mcpwasm.wasi.internal;

import io.mcpwasm.wasi.GuestOutput;
import io.mcpwasm.wasi.internal.fs.DirEntry;
import io.mcpwasm.wasi.internal.fs.FsDirectory;
import io.mcpwasm.wasi.internal.fs.FsFile;
import io.mcpwasm.wasi.internal.fs.FsNode;
import java.util.List;

/** One entry of the guest's file descriptor table: what it refers to, its fdflags and its rights. */
abstract sealed class Descriptor
    permits Descriptor.Stdin, Descriptor.Output, Descriptor.NodeDescriptor {

    int fdflags;
    long rightsBase;
    long rightsInheriting;

    Descriptor(int fdflags, long rightsBase, long rightsInheriting) {
        this.fdflags = fdflags;
        this.rightsBase = rightsBase;
        this.rightsInheriting = rightsInheriting;
    }

    abstract int filetype();

    boolean has(long right) {
        return (rightsBase & right) != 0;
    }

    /** Releases what the descriptor holds; called once when it leaves the table. */
    void close() {
    }

    /** Standard input, read from a {@link GuestInput}. */
    static final class Stdin extends Descriptor {
        final GuestInput input;

        Stdin(GuestInput input) {
            super(0, WasiConstants.RIGHTS_STDIN, 0);
            this.input = input;
        }

        @Override
        int filetype() {
            return WasiConstants.FILETYPE_CHARACTER_DEVICE;
        }
    }

    /** Standard output or error, written to a {@link GuestOutput}. */
    static final class Output extends Descriptor {
        final GuestOutput output;
        final String name;

        Output(GuestOutput output, String name) {
            super(0, WasiConstants.RIGHTS_STDOUT, 0);
            this.output = output;
            this.name = name;
        }

        @Override
        int filetype() {
            return WasiConstants.FILETYPE_CHARACTER_DEVICE;
        }
    }

    /** Base class of descriptors that hold a node of the file-system kernel. */
    abstract static sealed class NodeDescriptor extends Descriptor permits Directory, File {
        NodeDescriptor(int fdflags, long rightsBase, long rightsInheriting) {
            super(fdflags, rightsBase, rightsInheriting);
        }

        abstract FsNode node();

        @Override
        void close() {
            node().close();
        }
    }

    /** An open directory: a preopen (with its guest name) or one opened by {@code path_open}. */
    static final class Directory extends NodeDescriptor {
        final FsDirectory dir;
        /** The guest path a preopen is announced under; null when opened by the guest. */
        final String preopenName;
        /** The listing that {@code fd_readdir} cookies index into; refreshed when a listing starts at cookie 0. */
        List<DirEntry> listing;

        Directory(FsDirectory dir, String preopenName, long rightsBase, long rightsInheriting, int fdflags) {
            super(fdflags, rightsBase, rightsInheriting);
            this.dir = dir;
            this.preopenName = preopenName;
        }

        @Override
        FsNode node() {
            return dir;
        }

        @Override
        int filetype() {
            return WasiConstants.FILETYPE_DIRECTORY;
        }
    }

    /** An open regular file. */
    static final class File extends NodeDescriptor {
        final FsFile file;

        File(FsFile file, long rightsBase, long rightsInheriting, int fdflags) {
            super(fdflags, rightsBase, rightsInheriting);
            this.file = file;
        }

        @Override
        FsNode node() {
            return file;
        }

        @Override
        int filetype() {
            return WasiConstants.FILETYPE_REGULAR_FILE;
        }
    }
}
