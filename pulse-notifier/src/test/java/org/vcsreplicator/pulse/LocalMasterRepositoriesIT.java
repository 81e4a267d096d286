package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.routing.PathRewrites;
import org.vcsreplicator.routing.PrefixRewrite;

/** {@link LocalMasterRepositories} against real hg repositories and pushlog databases. */
class LocalMasterRepositoriesIT {
    static Hg hg;

    @TempDir
    Path tmp;

    MasterFixture fixture;
    LocalMasterRepositories master;

    @BeforeAll
    static void startHg() throws Exception {
        hg = HgFactory.open(MasterFixture.HG);
    }

    @AfterAll
    static void stopHg() {
        hg.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        fixture = new MasterFixture(Files.createDirectories(tmp.resolve("mozilla")));
        master = new LocalMasterRepositories(
                new PathRewrites(List.of(new PrefixRewrite("{moz}", fixture.root().toString()))), hg);
    }

    static WirePath moz(String name) {
        return WirePath.of("{moz}/" + name);
    }

    @Test
    void rootsMustBeReadableDirectories() throws Exception {
        master.checkRoots();
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        LocalMasterRepositories onFile = new LocalMasterRepositories(
                new PathRewrites(List.of(new PrefixRewrite("{moz}", file.toString()))), hg);
        NotifierMisconfiguredException e = assertThrows(NotifierMisconfiguredException.class, onFile::checkRoots);
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
        assertThrows(NotifierMisconfiguredException.class,
                new LocalMasterRepositories(PathRewrites.none(), hg)::checkRoots);
    }

    @Test
    void rejectsEscapesAndUnmappedPaths() {
        assertThrows(BadEventException.class, () -> master.locate(moz("../outside")));
        assertThrows(NotifierMisconfiguredException.class, () -> master.locate(WirePath.of("{other}/x")));
    }

    @Test
    void aDirectoryWithoutHgIsNotARepository() throws Exception {
        Files.createDirectories(fixture.root().resolve("empty-dir"));
        assertFalse(master.locate(moz("empty-dir")).exists());
        assertFalse(master.locate(moz("never-created")).exists());
    }

    @Test
    void readsPushlogAndChangesets() throws Exception {
        Path repo = fixture.init("obs", true);
        String base = fixture.commit(repo, "foo", "initial");
        String hidden = fixture.commit(repo, "bar", "to be amended");
        String amended = fixture.amend(repo, "amended\nwith a second line");
        long push = fixture.recordPush(repo, "someone@example.com", 1700000100L, base, hidden);

        MasterRepository r = master.locate(moz("obs"));
        assertTrue(r.exists());
        Map<NodeId, Push> pushes = r.pushes(NodeId.listOf(base, hidden, amended)).orElseThrow();
        assertEquals(Map.of(NodeId.of(base), new Push(push, "someone@example.com", 1700000100L),
                NodeId.of(hidden), new Push(push, "someone@example.com", 1700000100L)), pushes);

        ChangesetInfo hiddenInfo = r.changeset(NodeId.of(hidden)).orElseThrow();
        assertEquals("to be amended", hiddenInfo.description());
        assertEquals(Optional.of(false), hiddenInfo.visible());
        assertEquals(push, hiddenInfo.push().orElseThrow().id());
        ChangesetInfo amendedInfo = r.changeset(NodeId.of(amended)).orElseThrow();
        assertEquals("amended\nwith a second line", amendedInfo.description());
        assertEquals(Optional.of(true), amendedInfo.visible());
        assertEquals(Optional.empty(), amendedInfo.push());
        assertEquals(Optional.empty(), r.changeset(NodeId.of("1234567890123456789012345678901234567890")));
    }

    @Test
    void noPushlogIsEmptyNotAnError() throws Exception {
        Path repo = fixture.init("plain", false);
        String node = fixture.commit(repo, "foo", "initial");
        MasterRepository r = master.locate(moz("plain"));
        assertEquals(Optional.empty(), r.pushes(NodeId.listOf(node)));
        // A database the extension never initialised (no tables) is no pushlog either.
        DriverManager.getConnection("jdbc:sqlite:" + PushlogDatabase.fileOf(repo)).close();
        assertTrue(Files.exists(PushlogDatabase.fileOf(repo)));
        assertEquals(Optional.empty(), r.pushes(NodeId.listOf(node)));
    }

    @Test
    void queriesOnARepositoryDeletedAfterLocatingItSayItIsGone() throws Exception {
        Path repo = fixture.init("doomed", false);
        String node = fixture.commit(repo, "foo", "initial");
        fixture.recordPush(repo, "u", 1, node);
        MasterRepository r = master.locate(moz("doomed"));
        assertTrue(r.exists());
        fixture.delete("doomed");
        assertThrows(RepositoryGoneException.class, () -> r.changeset(NodeId.of(node)));
        assertThrows(RepositoryGoneException.class, () -> r.pushes(NodeId.listOf(node)));
    }
}
