package org.vcsreplicator.heads;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.vcsreplicator.message.NodeId;

/**
 * The bytes of {@code .hg/replicated-data}, identical to what the Python original wrote with
 * {@code cbor2.dump({b"heads": [...], b"last_push_id": n}, canonical=True)}:
 *
 * <pre>
 * a2                      map of 2 entries
 *   45 "heads"            key: BYTE string (the original used Python bytes keys)
 *   8N                    array of N (definite length)
 *     54 &lt;20 bytes&gt;       each head as a 20-byte binary node, in event order
 *   4c "last_push_id"     key: byte string
 *   &lt;uint&gt; | f6          smallest-form integer, or null when the master has no pushlog
 * </pre>
 *
 * <p>Canonical CBOR orders map keys shorter first, so {@code heads} always precedes
 * {@code last_push_id}; all lengths and integers use their shortest form.
 *
 * <p>Jackson's CBOR generator encodes every item. It cannot write a byte-string <em>key</em> (its
 * object context accepts only text field names), so the map header is written as one raw byte
 * and the four items follow as root-level values: Jackson encodes each exactly as it would inside
 * a map. The golden-byte tests taken from the original's test-served-heads.t pin the result.
 * Jackson's parser accepts byte-string keys (as field names), so decoding needs no such trick and
 * also accepts text-string keys, any key order and unknown keys (skipped).
 *
 * <p>Stateless and thread-safe.
 */
public final class ReplicatedDataCodec {

    private static final CBORFactory CBOR = CBORFactory.builder()
            .enable(CBORGenerator.Feature.WRITE_MINIMAL_INTS)
            .disable(CBORGenerator.Feature.WRITE_TYPE_HEADER)
            .build();

    /** Major type 5 (map) with 2 entries. */
    private static final byte MAP_OF_TWO = (byte) 0xa2;
    static final String HEADS = "heads";
    static final String LAST_PUSH_ID = "last_push_id";
    private static final byte[] HEADS_KEY = HEADS.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_PUSH_ID_KEY = LAST_PUSH_ID.getBytes(StandardCharsets.US_ASCII);

    private ReplicatedDataCodec() {}

    /**
     * Encodes the file content.
     *
     * @param data never null
     * @return the canonical CBOR bytes, never null
     */
    public static byte[] encode(ReplicatedData data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + 21 * data.heads().size());
        try (CBORGenerator gen = CBOR.createGenerator(out)) {
            gen.writeRaw(MAP_OF_TWO);
            gen.writeBinary(HEADS_KEY);
            gen.writeStartArray(null, data.heads().size());
            for (NodeId head : data.heads()) {
                gen.writeBinary(head.toBytes());
            }
            gen.writeEndArray();
            gen.writeBinary(LAST_PUSH_ID_KEY);
            if (data.lastPushId().isPresent()) {
                gen.writeNumber(data.lastPushId().getAsLong());
            } else {
                gen.writeNull();
            }
        } catch (IOException e) {
            // Only an in-memory stream is involved: this cannot happen short of a bug.
            throw new UncheckedIOException("encoding replicated data in memory", e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes file content written by this class or by the Python original.
     *
     * @param bytes the whole file, never null
     * @return the data, never null
     * @throws MalformedReplicatedDataException when the bytes are not one CBOR map with a
     *     {@code heads} array of 20-byte nodes and an integer-or-null {@code last_push_id}
     */
    public static ReplicatedData decode(byte[] bytes) throws MalformedReplicatedDataException {
        try (JsonParser parser = CBOR.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedReplicatedDataException("replicated data is not a CBOR map");
            }
            List<NodeId> heads = null;
            OptionalLong lastPushId = null;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                if (HEADS.equals(key)) {
                    heads = readHeads(parser, value);
                } else if (LAST_PUSH_ID.equals(key)) {
                    lastPushId = readPushId(parser, value);
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw new MalformedReplicatedDataException("replicated data map is incomplete");
            }
            if (parser.nextToken() != null) {
                throw new MalformedReplicatedDataException("replicated data has bytes after its map");
            }
            if (heads == null) {
                throw new MalformedReplicatedDataException("replicated data has no '" + HEADS + "' key");
            }
            if (lastPushId == null) {
                throw new MalformedReplicatedDataException("replicated data has no '" + LAST_PUSH_ID + "' key");
            }
            return new ReplicatedData(heads, lastPushId);
        } catch (MalformedReplicatedDataException e) {
            throw e;
        } catch (JacksonException e) {
            throw new MalformedReplicatedDataException("replicated data is not valid CBOR: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading replicated data from memory", e);
        }
    }

    private static List<NodeId> readHeads(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new MalformedReplicatedDataException("'" + HEADS + "' is not an array");
        }
        List<NodeId> heads = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.VALUE_EMBEDDED_OBJECT) {
            byte[] node = parser.getBinaryValue();
            if (node.length != 20) {
                throw new MalformedReplicatedDataException(
                        "head " + heads.size() + " has " + node.length + " bytes, expected 20");
            }
            heads.add(NodeId.fromBytes(node));
        }
        if (token != JsonToken.END_ARRAY) {
            throw new MalformedReplicatedDataException(
                    "head " + heads.size() + " is not a byte string (found " + token + ")");
        }
        return heads;
    }

    private static OptionalLong readPushId(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return OptionalLong.empty();
        }
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new MalformedReplicatedDataException("'" + LAST_PUSH_ID + "' is neither an integer nor null");
        }
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new MalformedReplicatedDataException("'" + LAST_PUSH_ID + "' is out of range: " + parser.getText());
        }
        return OptionalLong.of(parser.getLongValue());
    }
}
