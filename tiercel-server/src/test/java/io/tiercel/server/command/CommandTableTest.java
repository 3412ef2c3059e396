package io.tiercel.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class CommandTableTest {

  private static Command lookup(String name) {
    ByteBuf buf = Unpooled.copiedBuffer("xx" + name, StandardCharsets.ISO_8859_1);
    try {
      return CommandTable.lookup(buf, 2, name.length());
    } finally {
      buf.release();
    }
  }

  @Test
  void everyCommandIsFoundInAnyCase() {
    for (Command c : Command.values()) {
      assertThat(lookup(c.name())).isEqualTo(c);
      assertThat(lookup(c.name().toLowerCase(Locale.ROOT))).isEqualTo(c);
    }
    assertThat(lookup("InCrByFlOaT")).isEqualTo(Command.INCRBYFLOAT);
  }

  @Test
  void unknownNamesAndPrefixesAreNotFound() {
    for (String name : new String[] {"", "G", "GE", "GETT", "HSET", "INCRBYFLOATX",
        "AVERYLONGCOMMANDNAMEINDEED", "GET\0", "\u00e9"}) {
      assertThat(lookup(name)).as(name).isNull();
    }
  }

  @Test
  void globMatchesLikeRedis() {
    assertThat(glob("*", "")).isTrue();
    assertThat(glob("user:*", "user:1")).isTrue();
    assertThat(glob("user:?", "user:12")).isFalse();
    assertThat(glob("h[ae]llo", "hello")).isTrue();
    assertThat(glob("h[^e]llo", "hello")).isFalse();
    assertThat(glob("h[a-b]llo", "hbllo")).isTrue();
    assertThat(glob("a\\*b", "a*b")).isTrue();
    assertThat(glob("a\\*b", "axb")).isFalse();
    assertThat(glob("*a*a*a*a*a*a*a*b", "a".repeat(5000))).isFalse();
  }

  private static boolean glob(String pattern, String text) {
    return Glob.matches(pattern.getBytes(StandardCharsets.UTF_8),
        text.getBytes(StandardCharsets.UTF_8));
  }
}
