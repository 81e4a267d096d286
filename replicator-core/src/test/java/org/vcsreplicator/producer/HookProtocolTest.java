package org.vcsreplicator.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.producer.TransactionChanges.BookmarkMove;
import org.vcsreplicator.producer.TransactionChanges.NewChangesets;
import org.vcsreplicator.producer.TransactionChanges.PhaseMove;
import org.vcsreplicator.producer.TransactionChanges.ServedHeads;

class HookProtocolTest {
  static final String A = "77538e1ce4bec5f7aac58a7ceca2da0e38e90a72";
  static final String B = "4b11352745a6b3eb429ca8cd64dc6d6dd5b5e1c8";

  static HookRequest parse(String json) throws HookProtocolException {
    return HookProtocol.parseRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTransactionHooks() throws Exception {
    assertEquals(new HookRequest.TxnOpen(Path.of("/repo/x"), "TXN:1"),
        parse("{\"v\": 1, \"op\": \"pretxnopen\", \"root\": \"/repo/x\", \"txnid\": \"TXN:1\"}"));
    assertEquals(new HookRequest.TxnClose(Path.of("/repo/x"), "TXN:1"),
        parse("{\"v\": 1, \"op\": \"pretxnclose\", \"root\": \"/repo/x/\", \"txnid\": \"TXN:1\"}"));
  }

  @Test
  void readsPublishAsTheHookModuleWritesIt() throws Exception {
    // As json.dumps(..., sort_keys=True) in hghooks/vcsreplicator_hghook.py writes it.
    String json = "{\"bookmarks\": [[\"bm\", \"\", \"" + A + "\"]], \"changegroup\": {\"heads\": [\"" + B
        + "\"], \"nodecount\": 2}, \"heads\": {\"after\": [\"" + B + "\"], \"before\": [\"" + A
        + "\"], \"last_push_id\": 3}, \"obsolete\": {\"dump0\": \"0096\"}, \"op\": \"publish\", \"phases\": [[\""
        + A + "\", \"1\", \"0\"]], \"root\": \"/repo/x\", \"source\": \"serve\", \"txnid\": \"TXN:9\", "
        + "\"txnname\": \"serve\", \"v\": 1}";
    TreeMap<String, String> obsolete = new TreeMap<>();
    obsolete.put("dump0", "0096");
    assertEquals(new HookRequest.Publish(Path.of("/repo/x"), "TXN:9", new TransactionChanges("serve",
            Optional.of(new NewChangesets(2, NodeId.listOf(B))),
            List.of(new BookmarkMove("bm", Optional.empty(), Optional.of(NodeId.of(A)))),
            List.of(new PhaseMove(NodeId.of(A), 1, 0)), obsolete,
            new ServedHeads(Optional.of(NodeId.listOf(A)), NodeId.listOf(B), OptionalLong.of(3)))),
        parse(json));
  }

  @Test
  void readsInitHooks() throws Exception {
    assertEquals(new HookRequest.InitCheck(Path.of("/repo/new")),
        parse("{\"v\": 1, \"op\": \"pre-init\", \"path\": \"/repo/new\"}"));
    assertEquals(new HookRequest.InitDone(Path.of("/repo/new"), List.of("generaldelta", "store")),
        parse("{\"v\": 1, \"op\": \"post-init\", \"path\": \"/repo/new\", \"requirements\": [\"generaldelta\", \"store\"]}"));
  }

  @Test
  void rejectsWhatItCannotRead() {
    assertMessage("hook request is not JSON", "nope");
    assertMessage("hook request has protocol version 2", "{\"v\": 2, \"op\": \"pretxnopen\"}");
    assertMessage("hook request has unknown op 'strip'", "{\"v\": 1, \"op\": \"strip\"}");
    assertMessage("hook request field 'root' is not an absolute path",
        "{\"v\": 1, \"op\": \"pretxnopen\", \"root\": \"repo\", \"txnid\": \"t\"}");
    assertMessage("hook request field 'txnid' is missing",
        "{\"v\": 1, \"op\": \"pretxnopen\", \"root\": \"/repo\"}");
    assertMessage("hook request field 'heads' is missing",
        "{\"v\": 1, \"op\": \"publish\", \"root\": \"/repo\", \"txnid\": \"t\"}");
    assertMessage("hook request field 'after' is invalid: not a 40-hex changeset id: 'abc'",
        "{\"v\": 1, \"op\": \"publish\", \"root\": \"/repo\", \"txnid\": \"t\", \"heads\": {\"after\": [\"abc\"]}}");
  }

  static void assertMessage(String prefix, String json) {
    HookProtocolException e = assertThrows(HookProtocolException.class, () -> parse(json));
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
  }

  @Test
  void writesRepliesTheHookModuleReads() {
    assertEquals("{\"ok\":true,\"status\":[\"recorded\"],\"warn\":[],\"abort\":null}\n",
        new String(HookProtocol.formatReply(HookReply.allow("recorded")), StandardCharsets.UTF_8));
    assertEquals("{\"ok\":false,\"status\":[],\"warn\":[],\"abort\":{\"message\":\"m\",\"hint\":\"h\"}}\n",
        new String(HookProtocol.formatReply(HookReply.abort("m", "h")), StandardCharsets.UTF_8));
  }
}
