package io.tiercel.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client of the load: a non-blocking channel, its send and receive buffers, its seeded request
 * stream and the requests it has in flight.
 *
 * <p>The send buffer is sized for {@code maxInFlight} of the largest request, and every byte in it
 * belongs to a request already in flight, so a request always fits once the cap allows it.
 * Sending is owned by one thread and receiving by one (the same thread in the closed loop).
 */
final class Connection {
  final SocketChannel channel;
  final InFlight inFlight;
  final int maxInFlight;
  private final WireProtocol protocol;
  private final Workload.Ops ops;
  private final Workload workload;
  private final Values values;
  private final WorkerStats stats;
  private final Reply reply = new Reply();
  private final ByteBuffer out;
  private ByteBuffer in;
  SelectionKey key;
  private volatile boolean closed;

  Connection(SocketChannel channel, Workload workload, Values values, WireProtocol protocol,
      int client, int maxInFlight, WorkerStats stats) throws IOException {
    this.channel = channel;
    this.workload = workload;
    this.values = values;
    this.protocol = protocol;
    this.ops = workload.ops(client);
    this.maxInFlight = maxInFlight;
    this.inFlight = new InFlight(maxInFlight);
    this.stats = stats;
    int maxRequest = WireProtocol.maxRequestBytes(
        values.keyLength(workload.keys().keys()), workload.valueMax());
    this.out = ByteBuffer.allocate(Math.max(16 * 1024, maxInFlight * maxRequest));
    this.in = ByteBuffer.allocate(Math.max(64 * 1024, 2 * maxRequest));
    channel.configureBlocking(false);
  }

  /** Returns whether another request may be sent now. */
  boolean canIssue() {
    return !closed && inFlight.size() < maxInFlight;
  }

  /** Draws the next request, writes it into the send buffer and puts it in flight. */
  void issue(long startNanos) {
    ops.next();
    if (ops.kind() == OpKind.GET) {
      protocol.get(out, ops.key());
    } else {
      protocol.set(out, ops.key(), ops.valueLength(), workload.ttlSeconds());
    }
    inFlight.push(startNanos, ops.key(), ops.kind());
  }

  /** Writes what the send buffer holds; returns whether it is now empty. */
  boolean flush() throws IOException {
    if (out.position() == 0) {
      return true;
    }
    out.flip();
    channel.write(out);
    out.compact();
    return out.position() == 0;
  }

  /**
   * Reads what arrived and settles every complete reply against the request it answers; returns
   * the number of replies, or -1 if the server closed the connection.
   */
  int receive(long nowNanos) throws IOException {
    int read = channel.read(in);
    if (read < 0) {
      return -1;
    }
    in.flip();
    int replies = 0;
    while (protocol.parse(in, reply)) {
      if (inFlight.size() == 0) {
        throw new WireProtocol.ProtocolViolation("a reply with no request in flight");
      }
      settle(nowNanos);
      replies++;
    }
    in.compact();
    if (!in.hasRemaining()) { // one reply larger than the buffer: grow it
      ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
      in.flip();
      bigger.put(in);
      in = bigger;
    }
    return replies;
  }

  private void settle(long nowNanos) {
    OpKind kind = inFlight.headKind();
    int key = inFlight.headKey();
    long latency = nowNanos - inFlight.headStart();
    inFlight.pop();
    Outcome outcome = switch (reply.kind) {
      case STORED -> kind == OpKind.SET ? Outcome.STORED : Outcome.UNEXPECTED_REPLY;
      case MISS -> kind == OpKind.GET ? Outcome.MISS : Outcome.UNEXPECTED_REPLY;
      case VALUE -> kind != OpKind.GET
          ? Outcome.UNEXPECTED_REPLY
          : rightValue(key) ? Outcome.HIT : Outcome.WRONG_VALUE;
      case ERROR -> Outcome.SERVER_ERROR;
      case UNEXPECTED -> Outcome.UNEXPECTED_REPLY;
    };
    if (outcome.isError()) {
      String message = switch (outcome) {
        case WRONG_VALUE -> kind.label() + " " + values.key(key) + ": " + reply.dataLength
            + " bytes that are not its value: "
            + Ascii.text(in, reply.dataPosition, reply.dataPosition + Math.min(40, reply.dataLength));
        default -> kind.label() + " " + values.key(key) + ": "
            + (reply.text != null ? reply.text : reply.kind.name());
      };
      stats.countError(outcome, message);
    } else {
      stats.recordSuccess(outcome, latency);
    }
  }

  private boolean rightValue(int key) {
    int length = reply.dataLength;
    return length >= workload.valueMin() && length <= workload.valueMax()
        && values.matches(in, reply.dataPosition, length, key);
  }

  /** Closes the channel and counts every request still in flight as {@code outcome}. */
  void fail(Outcome outcome, String message) {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // already failing: the first error is the one reported
    }
    while (inFlight.size() > 0) {
      stats.countError(outcome, message);
      inFlight.pop();
    }
  }

  /** Returns whether the connection was closed after an error. */
  boolean closed() {
    return closed;
  }
}
