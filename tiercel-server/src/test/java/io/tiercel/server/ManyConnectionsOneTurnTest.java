package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many connections each sending a command before any reads its reply, so the node reads several
 * in one turn of its loop and flushes their replies together ({@code TurnFlush}): every
 * connection gets its own answers, in order, whichever cache it reads, and connections that
 * close with a command unanswered harm no other.
 */
class ManyConnectionsOneTurnTest {
  private static final int CONNECTIONS = 40;
  private static final int ROUNDS = 30;

  private ServerFixture fixture;
  private final List<RawClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    fixture = ServerFixture.startInTempDir("tiercel-turn");
  }

  @AfterEach
  void stop() throws Exception {
    for (RawClient c : clients) {
      c.close();
    }
    fixture.close();
  }

  private RawClient connect(boolean unix) throws Exception {
    RawClient c = unix ? RawClient.unix(fixture.socket()) : RawClient.tcp(fixture.port());
    clients.add(c);
    return c;
  }

  @Test
  void connectionsWrittenToAtOnceEachGetTheirOwnAnswersInOrderWhateverCacheTheyRead()
      throws Exception {
    RawClient admin = connect(false);
    assertThat(admin.command("CACHE", "CREATE", "other").reply().text()).isEqualTo("OK");
    List<RawClient> all = new ArrayList<>();
    for (int i = 0; i < CONNECTIONS; i++) {
      RawClient c = connect(i % 2 == 1);
      if (i % 3 == 2) {
        assertThat(c.command("CACHE", "USE", "other").reply().text()).isEqualTo("OK");
      }
      all.add(c);
    }
    for (int round = 0; round < ROUNDS; round++) {
      for (int i = 0; i < CONNECTIONS; i++) {
        all.get(i).command("SET", "key:" + i, "value-" + round + "-" + i);
      }
      for (int i = 0; i < CONNECTIONS; i++) {
        assertThat(all.get(i).reply().text()).as("SET on connection %d", i).isEqualTo("OK");
      }
      for (int i = 0; i < CONNECTIONS; i++) {
        // Two commands in one write: the second runs after the first on the same connection.
        all.get(i).command("GET", "key:" + i).command("APPEND", "key:" + i, "!");
      }
      for (int i = 0; i < CONNECTIONS; i++) {
        RawClient c = all.get(i);
        assertThat(c.reply().text()).as("GET on connection %d", i)
            .isEqualTo("value-" + round + "-" + i);
        assertThat(c.reply().text()).isEqualTo(
            Integer.toString(("value-" + round + "-" + i + "!").length()));
      }
    }
    for (int i = 0; i < CONNECTIONS; i++) {
      String expected = i % 3 == 2 ? "other" : "default";
      // The key is in the cache its connection reads, and only there.
      RawClient probe = i % 3 == 2 ? all.get(2) : admin;
      RespValue v = probe.command("GET", "key:" + i).reply();
      assertThat(v.text()).as("key:%d in %s", i, expected)
          .isEqualTo("value-" + (ROUNDS - 1) + "-" + i + "!");
      RawClient elsewhere = i % 3 == 2 ? admin : all.get(2);
      assertThat(elsewhere.command("EXISTS", "key:" + i).reply().text()).isEqualTo("0");
    }
  }

  @Test
  void connectionsThatCloseWithACommandUnansweredLeaveTheOthersServed() throws Exception {
    List<RawClient> staying = new ArrayList<>();
    for (int i = 0; i < CONNECTIONS / 2; i++) {
      staying.add(connect(false));
    }
    for (int round = 0; round < ROUNDS; round++) {
      List<RawClient> leaving = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS / 2; i++) {
        leaving.add(RawClient.tcp(fixture.port()));
      }
      for (int i = 0; i < staying.size(); i++) {
        leaving.get(i).command("INCR", "left");
        leaving.get(i).close();
        staying.get(i).command("INCR", "stayed");
      }
      for (RawClient c : staying) {
        assertThat(c.reply().type()).isEqualTo(':');
      }
    }
    RawClient check = staying.get(0);
    assertThat(check.command("GET", "stayed").reply().text())
        .isEqualTo(Integer.toString(ROUNDS * CONNECTIONS / 2));
    assertThat(check.command("PING").reply().text()).isEqualTo("PONG");
  }
}
