package org.vcsreplicator.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.message.NodeId;

/**
 * The file on disk: atomic replacement, mtime always advancing by whole seconds, the log lines.
 *
 * @see ServedHeadsHgwebIT for hgweb noticing rapid rewrites
 */
class ReplicatedDataFileTest {

    private static final ReplicatedData ONE = ReplicatedData.of(NodeId.listOf("a".repeat(40)), 1);
    private static final ReplicatedData TWO = ReplicatedData.of(NodeId.listOf("b".repeat(40)), 2);

    @TempDir
    Path tmp;
    Path repo;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger consumerLog = (Logger) LoggerFactory.getLogger("vcsreplicator.consumer");

    @BeforeEach
    void setUp() throws IOException {
        repo = Files.createDirectories(tmp.resolve("mozilla-central"));
        Files.createDirectory(repo.resolve(".hg"));
        logged.start();
        consumerLog.addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        consumerLog.detachAppender(logged);
    }

    @Test
    void writesTheEncodedBytesAndReadsThemBack() throws IOException {
        ReplicatedDataFile.write(repo, ONE);

        Path file = repo.resolve(".hg/replicated-data");
        assertEquals(file, ReplicatedDataFile.path(repo));
        assertArrayEquals(ReplicatedDataCodec.encode(ONE), Files.readAllBytes(file));
        assertEquals(ONE, ReplicatedDataFile.read(repo).orElseThrow());
    }

    @Test
    void logsTheOriginalsLines() throws IOException {
        ReplicatedDataFile.write(repo, ReplicatedData.of(NodeId.listOf("a".repeat(40), "b".repeat(40)), 12));
        ReplicatedDataFile.write(repo, new ReplicatedData(List.of(), OptionalLong.empty()));

        assertEquals(List.of(
                "updating replicated data for " + repo,
                repo + "/.hg/replicated-data wrote with 2 heads successfully; last push id: 12",
                "updating replicated data for " + repo,
                repo + "/.hg/replicated-data wrote with 0 heads successfully; last push id: None"),
                logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO))
                        .map(ILoggingEvent::getFormattedMessage).toList());
    }

    @Test
    void everyWriteAdvancesTheMtimeByAWholeSecondEvenWithinOneSecond() throws IOException {
        ReplicatedDataFile.write(repo, ONE);
        long first = mtimeSeconds();
        ReplicatedDataFile.write(repo, TWO);
        long second = mtimeSeconds();
        ReplicatedDataFile.write(repo, ONE);
        long third = mtimeSeconds();

        // hgweb compares int(st_mtime): each write must land in a later second than the last.
        assertTrue(first < second && second < third, first + " " + second + " " + third);
        assertEquals(ONE, ReplicatedDataFile.read(repo).orElseThrow());
    }

    @Test
    void aPreviousMtimeInTheFutureIsStillExceeded() throws IOException {
        ReplicatedDataFile.write(repo, ONE);
        FileTime future = FileTime.from(Instant.now().plusSeconds(3600).plusMillis(400));
        Files.setLastModifiedTime(ReplicatedDataFile.path(repo), future);

        ReplicatedDataFile.write(repo, TWO);

        assertEquals(future.to(TimeUnit.SECONDS) + 1, mtimeSeconds());
    }

    @Test
    void nextMtimeKeepsTheFilesystemsTimeWhenItIsInALaterSecond() {
        FileTime previous = FileTime.fromMillis(100_900);
        assertEquals(FileTime.fromMillis(101_000), ReplicatedDataFile.nextMtime(previous, FileTime.fromMillis(101_000)));
        assertEquals(FileTime.fromMillis(105_300), ReplicatedDataFile.nextMtime(previous, FileTime.fromMillis(105_300)));
        assertEquals(FileTime.fromMillis(101_000), ReplicatedDataFile.nextMtime(previous, FileTime.fromMillis(100_950)));
        assertEquals(FileTime.fromMillis(101_000), ReplicatedDataFile.nextMtime(previous, FileTime.fromMillis(100_000)));
        assertEquals(FileTime.fromMillis(101_000), ReplicatedDataFile.nextMtime(previous, FileTime.fromMillis(3_000)));
    }

    @Test
    void leavesNoTemporaryFileBehind() throws IOException {
        ReplicatedDataFile.write(repo, ONE);
        ReplicatedDataFile.write(repo, TWO);

        assertEquals(List.of("replicated-data"), hgDirListing());
    }

    @Test
    void aFailedReplaceKeepsWhatWasThereAndRemovesTheTemporaryFile() throws IOException {
        // A non-empty directory where the file should be: the rename cannot replace it.
        Path blocker = Files.createDirectory(ReplicatedDataFile.path(repo));
        Files.writeString(blocker.resolve("keep"), "x");

        assertThrows(IOException.class, () -> ReplicatedDataFile.write(repo, ONE));

        assertEquals(List.of("replicated-data"), hgDirListing());
        assertTrue(Files.exists(blocker.resolve("keep")));
        assertFalse(logged.list.stream().anyMatch(e -> e.getFormattedMessage().contains("successfully")));
    }

    @Test
    void refusesADirectoryThatIsNotARepository() {
        Path notRepo = tmp.resolve("not-a-repo");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> ReplicatedDataFile.write(notRepo, ONE));
        assertTrue(e.getMessage().contains(notRepo.resolve(".hg").toString()), e.getMessage());
        assertFalse(Files.exists(notRepo));
    }

    @Test
    void createsTheFileWithTheUmaskLikeAnyOtherFileSoHgwebCanReadIt() throws IOException {
        Path reference = Files.createFile(tmp.resolve("reference"));
        ReplicatedDataFile.write(repo, ONE);

        assertEquals(Files.getPosixFilePermissions(reference),
                Files.getPosixFilePermissions(ReplicatedDataFile.path(repo)));
    }

    @Test
    void aMissingOrEmptyFileReadsAsNothingRecorded() throws IOException {
        assertTrue(ReplicatedDataFile.read(repo).isEmpty());
        Files.createFile(ReplicatedDataFile.path(repo));
        assertTrue(ReplicatedDataFile.read(repo).isEmpty());
    }

    @Test
    void aCorruptFileIsReportedWithItsPath() throws IOException {
        Files.write(ReplicatedDataFile.path(repo), new byte[] {1, 2, 3});
        MalformedReplicatedDataException e = assertThrows(MalformedReplicatedDataException.class,
                () -> ReplicatedDataFile.read(repo));
        assertTrue(e.getMessage().startsWith(ReplicatedDataFile.path(repo) + ": "), e.getMessage());
    }

    private long mtimeSeconds() throws IOException {
        return Files.getLastModifiedTime(ReplicatedDataFile.path(repo)).to(TimeUnit.SECONDS);
    }

    private List<String> hgDirListing() throws IOException {
        try (Stream<Path> files = Files.list(repo.resolve(".hg"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
