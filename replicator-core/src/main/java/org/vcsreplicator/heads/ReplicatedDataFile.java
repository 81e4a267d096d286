package org.vcsreplicator.heads;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes {@code <repo>/.hg/replicated-data}, the file through which the heads consumer
 * tells hgweb (the {@code replicatedserved} view of {@code hgext/vcsreplicator_served.py}) which
 * changesets every mirror has. Content: {@link ReplicatedDataCodec}.
 *
 * <p>Invariants of {@link #write}:
 * <ol>
 *   <li>Readers only ever see a complete file, old or new: the content goes to a temporary file in
 *       {@code .hg}, is fsynced, and replaces the old file by an atomic rename (the directory is
 *       fsynced afterwards so the rename survives a crash).
 *   <li>Every write advances the file's mtime in <em>whole seconds</em>. hgweb decides whether to
 *       reload a cached repository by comparing {@code (int(st_mtime), st_size)} of the files in
 *       {@code mercurial.hg.foi}; two writes in one second with the same number of heads have the
 *       same size, so only a later whole-second mtime makes hgweb see the second one. When the
 *       clock has not moved past the previous mtime's second, the new file gets that second + 1
 *       (rapid writes may run the mtime a few seconds ahead of the clock; it falls back to the
 *       clock as soon as writes slow down). The original meant to do the same with + 2 s but
 *       applied it to the file about to be replaced, so its bump never reached the new file.
 *   <li>On failure no temporary file is left behind and the previous file is untouched.
 * </ol>
 *
 * <p>The file is created with the process umask (like the original's {@code open()}), so the
 * hgweb user can read it. Writes to one repository must not run concurrently (the heads consumer
 * applies one repository's events in order); writes to different repositories may.
 */
public final class ReplicatedDataFile {

    /** The file name inside {@code .hg}. */
    public static final String FILE_NAME = "replicated-data";

    // The original logged through the consumer's logger; keep its name so log lines match.
    private static final Logger log = LoggerFactory.getLogger("vcsreplicator.consumer");

    private ReplicatedDataFile() {}

    /**
     * The file's location for a repository.
     *
     * @param repo the repository's working directory (parent of {@code .hg}), never null
     * @return {@code repo/.hg/replicated-data}, never null
     */
    public static Path path(Path repo) {
        return repo.resolve(".hg").resolve(FILE_NAME);
    }

    /**
     * Atomically replaces the repository's replicated data, advancing the file's mtime by at least
     * one whole second over the previous file's. Logs the original's two lines.
     *
     * @param repo the local repository (already rewritten from the wire path), never null
     * @param data what to write, never null
     * @throws NoSuchFileException when {@code repo/.hg} is not a directory
     * @throws IOException when writing, syncing or renaming fails (the old file stays in place)
     */
    public static void write(Path repo, ReplicatedData data) throws IOException {
        log.info("updating replicated data for {}", repo);
        Path hgDir = repo.resolve(".hg");
        if (!Files.isDirectory(hgDir)) {
            throw new NoSuchFileException(hgDir.toString(), null, "not a Mercurial repository (no .hg directory)");
        }
        Path dest = hgDir.resolve(FILE_NAME);
        byte[] bytes = ReplicatedDataCodec.encode(data);
        // A unique name, so that a leftover from a crash or a stray concurrent writer never
        // shares a temp file with this write.
        Path tmp = hgDir.resolve(FILE_NAME + ".tmp." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        boolean renamed = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, CREATE_NEW, WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                advanceMtime(dest, tmp);
                channel.force(true);
            }
            Files.move(tmp, dest, ATOMIC_MOVE, REPLACE_EXISTING);
            renamed = true;
            syncDirectory(hgDir);
        } finally {
            if (!renamed) {
                Files.deleteIfExists(tmp);
            }
        }
        log.info("{} wrote with {} heads successfully; last push id: {}", dest, data.heads().size(),
                data.lastPushId().isPresent() ? Long.toString(data.lastPushId().getAsLong()) : "None");
    }

    /**
     * Reads the repository's replicated data, as the hgweb extension does: a missing or empty file
     * means "nothing recorded yet".
     *
     * @param repo the local repository, never null
     * @return the data, or empty when the file is missing or empty; never null
     * @throws MalformedReplicatedDataException when the file holds something else
     * @throws IOException when the file exists but cannot be read
     */
    public static Optional<ReplicatedData> read(Path repo) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path(repo));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(ReplicatedDataCodec.decode(bytes));
        } catch (MalformedReplicatedDataException e) {
            throw new MalformedReplicatedDataException(path(repo) + ": " + e.getMessage(), e);
        }
    }

    private static void advanceMtime(Path dest, Path tmp) throws IOException {
        FileTime previous;
        try {
            previous = Files.getLastModifiedTime(dest);
        } catch (NoSuchFileException e) {
            return;
        }
        FileTime written = Files.getLastModifiedTime(tmp);
        FileTime next = nextMtime(previous, written);
        if (!next.equals(written)) {
            Files.setLastModifiedTime(tmp, next);
            log.debug("advanced mtime of {} from {} to {}", dest, previous, next);
        }
    }

    /**
     * The mtime to give the new file: the one it got from the filesystem when that is in a later
     * whole second than the previous file's, else the previous file's second + 1.
     */
    // visible for testing
    static FileTime nextMtime(FileTime previous, FileTime written) {
        long previousSecond = previous.to(TimeUnit.SECONDS);
        if (written.to(TimeUnit.SECONDS) > previousSecond) {
            return written;
        }
        return FileTime.from(previousSecond + 1, TimeUnit.SECONDS);
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename durable. Opening a directory for fsync works on Linux, not everywhere;
        // where it does not, the rename is still atomic, only its durability is up to the OS.
        try (FileChannel channel = FileChannel.open(dir, READ)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("could not fsync directory {}: {}", dir, e.toString());
        }
    }
}
