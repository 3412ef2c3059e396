package io.tiercel.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The direct readers of the hub's publish answer and pushed message accept exactly those shapes
 * (RESP2 and RESP3 pushes, the largest epochs) and leave anything else to the general parser.
 */
class HubRepliesTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Parses {@code push} as the only reply in its array. */
  private static boolean parsePush(String push, long[] out) {
    byte[] raw = bytes(push);
    return HubReplies.parsePush(raw, raw.length, out);
  }

  @Test
  void publishAnswerGivesEpochAndSequence() {
    assertThat(HubReplies.parsePublish(bytes("*2\r\n:" + Long.MAX_VALUE + "\r\n:42\r\n")))
        .containsExactly(Long.MAX_VALUE, 42);
    assertThat(HubReplies.parsePublish(bytes(":2\r\n"))).as("a receiver count").isNull();
    assertThat(HubReplies.parsePublish(bytes("-ERR nope\r\n"))).isNull();
    assertThat(HubReplies.parsePublish(bytes("*2\r\n:1\r\n:2\r\nx"))).isNull();
    assertThat(HubReplies.parsePublish(bytes("*2\r\n:99999999999999999999\r\n:2\r\n")))
        .as("past a long").isNull();
    assertThat(HubReplies.parsePublish(bytes("*2\r\n:1\r\n$1\r\n2\r\n"))).isNull();
  }

  @Test
  void pushIsReadWithinItsLengthInAReusedArray() {
    long[] out = new long[5];
    byte[] push = bytes("*5\r\n$4\r\nsync\r\n:1\r\n:2\r\n:3\r\n$3\r\nabc\r\n");
    byte[] reused = new byte[push.length + 40];
    // What an earlier, longer reply left behind the end of this one.
    Arrays.fill(reused, (byte) '9');
    System.arraycopy(push, 0, reused, 0, push.length);
    assertThat(HubReplies.parsePush(reused, push.length, out)).isTrue();
    assertThat(out).containsExactly(1, 2, 3, push.length - 5, 3);
    assertThat(HubReplies.parsePush(reused, push.length - 1, out)).as("cut short").isFalse();
    assertThat(HubReplies.parsePush(reused, push.length + 1, out)).as("a byte too many").isFalse();
  }

  @Test
  void pushGivesItsFieldsAndThePayloadInPlace() {
    long[] out = new long[5];
    byte[] raw = bytes("*5\r\n$4\r\nsync\r\n:" + Long.MAX_VALUE + "\r\n:16383\r\n:7\r\n"
        + "$3\r\nabc\r\n");
    assertThat(HubReplies.parsePush(raw, raw.length, out)).isTrue();
    assertThat(out).containsExactly(Long.MAX_VALUE, 16383, 7, raw.length - 5, 3);
    assertThat(new String(raw, (int) out[3], (int) out[4], StandardCharsets.ISO_8859_1))
        .isEqualTo("abc");
    assertThat(parsePush(">5\r\n$4\r\nsync\r\n:1\r\n:2\r\n:3\r\n$0\r\n\r\n",
        out)).as("RESP3 push, empty payload").isTrue();
    assertThat(out).containsExactly(1, 2, 3, 30, 0);

    assertThat(parsePush("*3\r\n$9\r\nsubscribe\r\n:1\r\n$0\r\n\r\n", out))
        .isFalse();
    assertThat(parsePush("*5\r\n$4\r\nsync\r\n:1\r\n:2\r\n:3\r\n$4\r\nabc\r\n",
        out)).as("payload shorter than its length").isFalse();
    assertThat(parsePush("*5\r\n$4\r\nsync\r\n:1\r\n:2\r\n$1\r\n3\r\n$0\r\n\r\n",
        out)).as("a bulk where an integer belongs").isFalse();
  }
}
