package io.tiercel.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory.EventExecutorChooser;
import org.junit.jupiter.api.Test;

class LeastConnectionsChooserTest {

  @Test
  void picksTheWorkerWithFewestConnectionsAndReusesFreedOnes() {
    EventExecutor[] loops = {new DefaultEventExecutor(), new DefaultEventExecutor(),
        new DefaultEventExecutor()};
    try {
      LeastConnectionsChooser factory = new LeastConnectionsChooser();
      EventExecutorChooser chooser = factory.newChooser(loops);
      for (int i = 0; i < 6; i++) {
        chooser.next();
      }
      assertThat(factory.connectionsPerWorker()).containsExactly(2, 2, 2);
      factory.connectionClosed(loops[1]);
      factory.connectionClosed(loops[1]);
      assertThat(chooser.next()).isSameAs(loops[1]);
      assertThat(chooser.next()).isSameAs(loops[1]);
      assertThat(factory.connectionsPerWorker()).containsExactly(2, 2, 2);
    } finally {
      for (EventExecutor loop : loops) {
        loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }
}
