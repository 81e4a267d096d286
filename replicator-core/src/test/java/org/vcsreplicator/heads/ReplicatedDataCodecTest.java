package org.vcsreplicator.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.NodeId;

/**
 * Golden bytes from the original's test-served-heads.t, CBOR edge cases and what the reader
 * refuses.
 *
 * @see ReplicatedDataCrossCheckIT for the same bytes produced by Mercurial's own CBOR encoder
 */
class ReplicatedDataCodecTest {

    // `cat .hg/replicated-data` after push 1 in test-served-heads.t, un-escaped: the "(esc)" line,
    // a newline (byte 0x0a of the node), then the "(no-eol)" line.
    static final byte[] PUSH_1 = pythonEscaped(
            "\\xa2Eheads\\x81TwS\\x8e\\x1c\\xe4\\xbe\\xc5\\xf7\\xaa\\xc5\\x8a|\\xec\\xa2\\xda\\x0e8\\xe9\n"
                    + "rLlast_push_id\\x01");
    static final ReplicatedData PUSH_1_DATA =
            ReplicatedData.of(NodeId.listOf("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72"), 1);

    // After push 2: two heads, in the order of the hg-heads-1 event (not sorted).
    static final byte[] PUSH_2 = pythonEscaped(
            "\\xa2Eheads\\x82TK\\x115'E\\xa6\\xb3\\xebB\\x9c\\xa8\\xcdHm\\xfd\\xc2!\\xa4\\xbcbTL\\x94C\\x88o\\xe8M"
                    + "\\xb9\\xa4\\xa5\\xf2\\x9aWwQ}(\\x90\\xd3\\x08Llast_push_id\\x02");
    static final ReplicatedData PUSH_2_DATA = ReplicatedData.of(NodeId.listOf(
            "4b11352745a6b3eb429ca8cd486dfdc221a4bc62", "4c9443886fe84db9a4a5f29a5777517d2890d308"), 2);

    private static final NodeId A = NodeId.of("a".repeat(40));
    private static final NodeId B = NodeId.of("0123456789abcdef0123456789abcdef01234567");

    @Test
    void encodesTheOriginalsBytesForOneHead() {
        assertArrayEquals(PUSH_1, ReplicatedDataCodec.encode(PUSH_1_DATA));
    }

    @Test
    void encodesTheOriginalsBytesForTwoHeadsInEventOrder() {
        assertArrayEquals(PUSH_2, ReplicatedDataCodec.encode(PUSH_2_DATA));
    }

    @Test
    void decodesTheOriginalsBytes() throws Exception {
        assertEquals(PUSH_1_DATA, ReplicatedDataCodec.decode(PUSH_1));
        assertEquals(PUSH_2_DATA, ReplicatedDataCodec.decode(PUSH_2));
    }

    @Test
    void keysAreByteStringsInCanonicalOrder() {
        byte[] bytes = ReplicatedDataCodec.encode(ReplicatedData.of(List.of(A, B, NodeId.NULL), 7));
        assertEquals("a2" + "45" + hex("heads") + "83", HexFormat.of().formatHex(bytes, 0, 8));
        assertEquals("54" + "a".repeat(40), HexFormat.of().formatHex(bytes, 8, 29));
        assertEquals("54" + B.hex(), HexFormat.of().formatHex(bytes, 29, 50));
        assertEquals("54" + "0".repeat(40), HexFormat.of().formatHex(bytes, 50, 71));
        assertEquals("4c" + hex("last_push_id") + "07", HexFormat.of().formatHex(bytes, 71, bytes.length));
    }

    @ParameterizedTest(name = "last_push_id {0} -> {1}")
    @CsvSource({
        "0, 00",
        "1, 01",
        "23, 17",
        "24, 1818",
        "255, 18ff",
        "256, 190100",
        "65535, 19ffff",
        "65536, 1a00010000",
        "4294967295, 1affffffff",
        "4294967296, 1b0000000100000000",
        "9223372036854775807, 1b7fffffffffffffff",
    })
    void writesPushIdsInTheirShortestForm(long id, String cbor) throws Exception {
        ReplicatedData data = ReplicatedData.of(List.of(A), id);
        byte[] bytes = ReplicatedDataCodec.encode(data);
        String expectedTail = "4c" + hex("last_push_id") + cbor;
        assertTrue(HexFormat.of().formatHex(bytes).endsWith(expectedTail), HexFormat.of().formatHex(bytes));
        assertEquals(data, ReplicatedDataCodec.decode(bytes));
    }

    @Test
    void noPushIdIsCborNullAsTheOriginalWroteIt() throws Exception {
        ReplicatedData data = new ReplicatedData(List.of(A), OptionalLong.empty());
        byte[] bytes = ReplicatedDataCodec.encode(data);
        assertEquals((byte) 0xf6, bytes[bytes.length - 1]);
        assertEquals(data, ReplicatedDataCodec.decode(bytes));
    }

    @Test
    void noHeadsIsAnEmptyArray() throws Exception {
        ReplicatedData data = ReplicatedData.of(List.of(), 0);
        byte[] bytes = ReplicatedDataCodec.encode(data);
        assertEquals("a245" + hex("heads") + "80" + "4c" + hex("last_push_id") + "00", HexFormat.of().formatHex(bytes));
        assertEquals(data, ReplicatedDataCodec.decode(bytes));
    }

    @Test
    void roundTripsManyHeads() throws Exception {
        List<NodeId> heads = java.util.stream.IntStream.range(0, 30)
                .mapToObj(i -> NodeId.of(String.format("%040x", i * 7919L))).toList();
        ReplicatedData data = ReplicatedData.of(heads, 123456);
        byte[] bytes = ReplicatedDataCodec.encode(data);
        assertEquals("98" + "1e", HexFormat.of().formatHex(bytes, 7, 9)); // array of 30: 1-byte length
        assertEquals(data, ReplicatedDataCodec.decode(bytes));
    }

    @Test
    void readerAcceptsTextKeysAnyOrderAndUnknownKeys() throws Exception {
        byte[] bytes = HexFormat.of().parseHex("a3"
                + "6c" + hex("last_push_id") + "05"
                + "65" + hex("extra") + "82" + "01" + "02"
                + "65" + hex("heads") + "81" + "54" + A.hex());
        assertEquals(ReplicatedData.of(List.of(A), 5), ReplicatedDataCodec.decode(bytes));
    }

    @Test
    void readerRefusesWhatIsNotTheMap() {
        String heads = "45" + hex("heads") + "81" + "54" + A.hex();
        String id = "4c" + hex("last_push_id") + "01";
        assertMalformed("not a CBOR map", "81" + "01");
        assertMalformed("bytes after its map", "a2" + heads + id + "00");
        assertMalformed("no 'heads' key", "a1" + id);
        assertMalformed("no 'last_push_id' key", "a1" + heads);
        assertMalformed("head 0 has 19 bytes", "a2" + "45" + hex("heads") + "81" + "53" + "ab".repeat(19) + id);
        assertMalformed("head 0 is not a byte string", "a2" + "45" + hex("heads") + "81" + "78" + "28" + hex(A.hex()) + id);
        assertMalformed("'heads' is not an array", "a2" + "45" + hex("heads") + "54" + A.hex() + id);
        assertMalformed("neither an integer nor null", "a2" + heads + "4c" + hex("last_push_id") + "61" + "31");
        assertMalformed("out of range", "a2" + heads + "4c" + hex("last_push_id") + "1bffffffffffffffff");
        assertMalformed("not valid CBOR", "a2" + heads.substring(0, 20));
    }

    @Test
    void aHeadThatIsNot40HexNeverReachesTheFile() {
        // The original refused such heads when writing (a permanent error); here the event
        // decoder already refuses them, so ReplicatedData can only hold valid nodes.
        String json = "{\"_created\": 1.0, \"heads\": [\"77538e1ce4be\"], \"last_push_id\": 1, "
                + "\"name\": \"hg-heads-1\", \"path\": \"{moz}/mozilla-central\"}";
        UndecodableRecordException e = assertThrows(UndecodableRecordException.class,
                () -> WireCodec.decode(("1\n" + json).getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("77538e1ce4be"), e.getMessage());
    }

    private static void assertMalformed(String expected, String hexBytes) {
        MalformedReplicatedDataException e = assertThrows(MalformedReplicatedDataException.class,
                () -> ReplicatedDataCodec.decode(HexFormat.of().parseHex(hexBytes)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static String hex(String ascii) {
        return HexFormat.of().formatHex(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    /** Python's repr-style escapes as Mercurial's test runner prints them: {@code \xNN} and plain bytes. */
    static byte[] pythonEscaped(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && text.charAt(i + 1) == 'x') {
                out.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
