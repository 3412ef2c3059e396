package io.tiercel.agent.near;

import io.netty.buffer.ByteBufAllocator;
import io.tiercel.agent.upstream.ReplyFramer;
import io.tiercel.agent.upstream.Requests;
import io.tiercel.agent.upstream.UpstreamConnection;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriber connection that receives the node's invalidations for the {@link NearCache}:
 * it asks its own client id ({@code CLIENT ID}), subscribes to {@code __redis__:invalidate}, and
 * once subscribed activates tracking with that id; each message drops the keys it names (a null
 * key list drops everything: FLUSHDB/FLUSHALL). Losing the connection deactivates the near cache.
 */
public final class InvalidationChannel implements UpstreamConnection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(InvalidationChannel.class);
  private static final byte[] CHANNEL =
      "__redis__:invalidate".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUBSCRIBE = "subscribe".getBytes(StandardCharsets.US_ASCII);

  private final NearCache near;
  private long id;

  /** Creates the channel of {@code near}. */
  public InvalidationChannel(NearCache near) {
    this.near = near;
  }

  @Override
  public void connected(UpstreamConnection c) {
    id = 0;
    c.send(Requests.of(ByteBufAllocator.DEFAULT, "CLIENT".getBytes(StandardCharsets.US_ASCII),
        "ID".getBytes(StandardCharsets.US_ASCII)));
    c.send(Requests.of(ByteBufAllocator.DEFAULT, "SUBSCRIBE".getBytes(StandardCharsets.US_ASCII),
        CHANNEL));
  }

  @Override
  public void disconnected(UpstreamConnection c) {
    near.deactivate();
  }

  @Override
  public void push(byte[] raw, int length) {
    Object reply = ReplyFramer.parse(raw);
    if (reply instanceof Long clientId) {
      id = clientId;
    } else if (reply instanceof List<?> l && l.size() == 3 && l.get(0) instanceof byte[] kind) {
      if (Arrays.equals(kind, SUBSCRIBE) && id != 0) {
        near.activate(id);
        LOG.info("near cache tracking through client {}", id);
      } else if (Arrays.equals(kind, MESSAGE)) {
        if (l.get(2) instanceof List<?> keys) {
          for (Object k : keys) {
            if (k instanceof byte[] key) {
              near.invalidate(key);
            }
          }
        } else {
          near.flush();
        }
      }
    } else if (reply instanceof ReplyFramer.ErrorReply e) {
      LOG.warn("near cache: node refused the invalidation channel: {}", e.message());
    }
  }
}
