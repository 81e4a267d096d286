package org.vcsreplicator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the domain packages pure (STYLE §1): no Kafka, AMQP, process or file-writing code in
 * message, codec, routing, config or offsets. A package that does not exist yet passes.
 */
class LayeringTest {

  private static final List<String> FORBIDDEN = List.of(
      "import org.apache.kafka", "import com.rabbitmq", "import java.lang.ProcessBuilder",
      "new ProcessBuilder", "Runtime.getRuntime().exec", "Files.write", "Files.move", "Files.delete",
      "FileOutputStream", "FileWriter", "System.exit");

  @ParameterizedTest
  @ValueSource(strings = {"message", "codec", "routing", "config", "offsets", "obsolete", "skip"})
  void domainPackageHasNoSideEffectImports(String pkg) throws IOException {
    Path dir = Path.of("src/main/java/org/vcsreplicator", pkg);
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<String> offences = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          for (String bad : FORBIDDEN) {
            if (lines.get(i).contains(bad)) {
              offences.add(f + ":" + (i + 1) + ": " + bad);
            }
          }
        }
      }
    }
    assertTrue(offences.isEmpty(), "side effects in a domain package:\n" + String.join("\n", offences));
  }
}
