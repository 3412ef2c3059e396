package io.tiercel.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReaderTest {
  @TempDir Path dir;

  private static long[] parse(String text) throws IOException {
    return TraceReader.parse(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), "test");
  }

  @Test
  void parse_oneKeyPerLine() throws IOException {
    assertThat(parse("1\n22\n333\n")).containsExactly(1, 22, 333);
  }

  @Test
  void parse_negativeKeysAndSigns() throws IOException {
    assertThat(parse("-5\n+7\n0\n-0\n")).containsExactly(-5, 7, 0, 0);
  }

  @Test
  void parse_extremes() throws IOException {
    assertThat(parse("9223372036854775807\n-9223372036854775808\n"))
        .containsExactly(Long.MAX_VALUE, Long.MIN_VALUE);
  }

  @Test
  void parse_blankLinesSpacesCrlfAndNoFinalNewline() throws IOException {
    assertThat(parse("\n 4 \r\n\t5\r\n\n6")).containsExactly(4, 5, 6);
  }

  @Test
  void parse_emptyInput() throws IOException {
    assertThat(parse("")).isEmpty();
  }

  @Test
  void parse_grows() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 200_000; i++) {
      text.append(i * 7L - 1000).append('\n');
    }
    long[] keys = parse(text.toString());
    assertThat(keys).hasSize(200_000);
    assertThat(keys[199_999]).isEqualTo(199_999 * 7L - 1000);
  }

  @Test
  void parse_rejectsOverflow() {
    assertThatThrownBy(() -> parse("1\n9223372036854775808\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("test:2")
        .hasMessageContaining("64-bit");
    assertThatThrownBy(() -> parse("-9223372036854775809"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("99999999999999999999999"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void parse_rejectsGarbage() {
    assertThatThrownBy(() -> parse("1\n2\nabc\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("test:3")
        .hasMessageContaining("'a'");
    assertThatThrownBy(() -> parse("1 2\n")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("-\n")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("1-\n")).isInstanceOf(IOException.class);
  }

  @Test
  void read_plainAndGzipFiles() throws IOException {
    Path plain = dir.resolve("t.keys");
    Files.writeString(plain, "3\n-1\n3\n");
    Path gz = dir.resolve("web.keys.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("10\n20\n-30\n".getBytes(StandardCharsets.US_ASCII));
    }
    Trace a = TraceReader.read(plain);
    assertThat(a.name()).isEqualTo("t");
    assertThat(a.keys()).containsExactly(3, -1, 3);
    Trace b = TraceReader.read(gz);
    assertThat(b.name()).isEqualTo("web");
    assertThat(b.keys()).containsExactly(10, 20, -30);
    assertThat(b.limit(2).keys()).containsExactly(10, 20);
  }

  @Test
  void sizes_readFromTheFileBesideTheTrace() throws IOException {
    Files.writeString(dir.resolve("sizes.tsv"),
        "# trace file\tcache sizes\twhere\na.keys.gz\t1,20, 300\tpaper\nb.keys.gz\t5\tx\n");
    assertThat(TraceSizes.forTrace(dir.resolve("a.keys.gz"))).containsExactly(1, 20, 300);
    assertThat(TraceSizes.forTrace(dir.resolve("b.keys.gz"))).containsExactly(5);
    assertThat(TraceSizes.forTrace(dir.resolve("c.keys.gz"))).isEmpty();
  }
}
