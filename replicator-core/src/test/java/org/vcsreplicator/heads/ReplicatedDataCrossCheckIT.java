package org.vcsreplicator.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.message.NodeId;

/**
 * Our bytes against Mercurial's own CBOR module ({@code mercurial.utils.cborutil}, what the hgweb
 * extension decodes with), run by the Python interpreter of the installed hg: it must decode our
 * files to the same values, and its deterministic encoder must produce our exact bytes.
 *
 * @see ReplicatedDataCodecTest for the original's golden bytes
 */
class ReplicatedDataCrossCheckIT {

    private static final String SCRIPT = String.join("\n",
            "import binascii, sys",
            "from mercurial.utils import cborutil",
            "for path in sys.argv[1:]:",
            "    raw = open(path, 'rb').read()",
            "    [value] = cborutil.decodeall(raw)",
            "    heads = ','.join(binascii.hexlify(h).decode() for h in value[b'heads'])",
            "    again = b''.join(cborutil.streamencode(value))",
            "    print('%s|%s|%s|%s' % (sorted(value), heads, value[b'last_push_id'], again.hex()))",
            "");

    @TempDir
    Path tmp;

    @Test
    void mercurialsCborModuleReadsAndReproducesOurBytes() throws Exception {
        NodeId a = NodeId.of("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72");
        NodeId b = NodeId.of("4c9443886fe84db9a4a5f29a5777517d2890d308");
        List<ReplicatedData> cases = List.of(
                ReplicatedData.of(List.of(a), 1),
                ReplicatedData.of(List.of(b, a, NodeId.NULL), 1L << 40),
                ReplicatedData.of(List.of(), 0),
                new ReplicatedData(List.of(a), OptionalLong.empty()),
                ReplicatedData.of(List.of(a), 24),
                ReplicatedData.of(List.of(a), 256),
                ReplicatedData.of(List.of(a), 65536),
                ReplicatedData.of(List.of(a), Long.MAX_VALUE));

        List<String> args = new ArrayList<>(List.of(hgPython(), "-c", SCRIPT));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            ReplicatedData data = cases.get(i);
            Path file = tmp.resolve("case" + i);
            byte[] bytes = ReplicatedDataCodec.encode(data);
            Files.write(file, bytes);
            args.add(file.toString());
            expected.add("[b'heads', b'last_push_id']|"
                    + String.join(",", data.heads().stream().map(NodeId::hex).toList()) + "|"
                    + (data.lastPushId().isPresent() ? Long.toString(data.lastPushId().getAsLong()) : "None") + "|"
                    + HexFormat.of().formatHex(bytes));
        }

        Process python = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        python.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, python.exitValue(), output);
        assertEquals(expected, output.lines().toList());
    }

    /** The interpreter named on the first line of /usr/bin/hg: the one that has the mercurial package. */
    private static String hgPython() throws Exception {
        String shebang = Files.readAllLines(Path.of(HgwebServer.HG)).get(0);
        return shebang.replaceFirst("^#!\\s*", "").trim().split("\\s+")[0];
    }
}
