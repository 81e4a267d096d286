package org.vcsreplicator.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket end for real, with a scripted handler. */
class HookServerTest {
  @TempDir Path dir;

  static String call(Path socket, String line) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
      return new String(readAll(ch), StandardCharsets.UTF_8);
    }
  }

  static byte[] readAll(SocketChannel ch) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(4096);
    while (ch.read(buf) >= 0) {
      out.write(buf.array(), 0, buf.position());
      buf.clear();
    }
    return out.toByteArray();
  }

  @Test
  void answersEachCallWithTheHandlersReply() throws Exception {
    Path socket = dir.resolve("p.sock");
    try (HookServer server = HookServer.start(socket, r -> HookReply.allow("hello " + r), PosixFilePermissions.fromString("rw-rw-rw-"))) {
      String reply = call(socket, "{\"v\": 1, \"op\": \"pretxnopen\", \"root\": \"/r\", \"txnid\": \"T\"}");
      assertEquals("{\"ok\":true,\"status\":[\"hello TxnOpen[root=/r, txnId=T]\"],\"warn\":[],\"abort\":null}\n", reply);
      assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }
    assertFalse(Files.exists(socket), "socket file removed on close");
  }

  @Test
  void refusesWhatItCannotReadOrWhatFailsSoTheTransactionRollsBack() throws Exception {
    Path socket = dir.resolve("p.sock");
    try (HookServer server = HookServer.start(socket, r -> {
      throw new IllegalStateException("boom");
    }, PosixFilePermissions.fromString("rw-------"))) {
      assertTrue(call(socket, "garbage").startsWith("{\"ok\":false,\"status\":[],\"warn\":[\"vcsreplicator producer: hook request is not JSON"));
      assertTrue(call(socket, "{\"v\": 1, \"op\": \"pre-init\", \"path\": \"/r\"}")
          .startsWith("{\"ok\":false,\"status\":[],\"warn\":[\"vcsreplicator producer internal error: java.lang.IllegalStateException: boom\"]"));
    }
  }

  @Test
  void aSlowCallDoesNotHoldUpOthers() throws Exception {
    Path socket = dir.resolve("p.sock");
    CountDownLatch release = new CountDownLatch(1);
    try (HookServer server = HookServer.start(socket, r -> {
      if (r instanceof HookRequest.InitCheck) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return HookReply.allow();
    }, PosixFilePermissions.fromString("rw-------"))) {
      Thread slow = new Thread(() -> {
        try {
          call(socket, "{\"v\": 1, \"op\": \"pre-init\", \"path\": \"/slow\"}");
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      slow.start();
      assertTrue(call(socket, "{\"v\": 1, \"op\": \"pretxnopen\", \"root\": \"/r\", \"txnid\": \"T\"}").startsWith("{\"ok\":true"));
      release.countDown();
      slow.join(10_000);
      assertFalse(slow.isAlive());
    }
  }

  @Test
  void replacesAStaleSocketFileButNotALiveDaemon() throws Exception {
    Path socket = dir.resolve("p.sock");
    Files.writeString(socket, "stale");
    try (HookServer server = HookServer.start(socket, r -> HookReply.allow(), PosixFilePermissions.fromString("rw-------"))) {
      IOException e = assertThrows(IOException.class,
          () -> HookServer.start(socket, r -> HookReply.allow(), PosixFilePermissions.fromString("rw-------")));
      assertEquals("another producer daemon already listens on " + socket, e.getMessage());
      assertTrue(call(socket, "{\"v\": 1, \"op\": \"pre-init\", \"path\": \"/r\"}").startsWith("{\"ok\":true"));
    }
    assertEquals(List.of(), List.of(dir.toFile().list()));
  }
}
