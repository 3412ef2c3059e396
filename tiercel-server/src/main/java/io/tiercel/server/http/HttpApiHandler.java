package io.tiercel.server.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.tiercel.core.CacheFullException;
import io.tiercel.server.command.Node;
import io.tiercel.server.metrics.HttpMetrics;
import io.tiercel.server.transport.LeastConnectionsChooser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection: checks the password, routes each aggregated request to {@link RestApi},
 * and writes responses in request order with keep-alive.
 *
 * <p>Most routes are answered at once on the event loop (cache reads and writes never block).
 * Slow ones ({@code /metrics}, purge) run on the admin executor, and key routes of a cache with
 * a backing store (whose reads and writes may wait for the database) run on the key's lane of
 * that cache, as the RESP commands do; while one is out, reading stops and requests already
 * decoded wait in a queue, so pipelined responses stay in order. A write to a cache whose log is
 * {@code appendfsync always} is answered only once it is on disk: the response waits for the
 * log's fsync the same way, so a {@code 204} never acknowledges a write a crash could lose.
 * Responses of one read batch are flushed together on {@code channelReadComplete}.
 *
 * <p>Backpressure: a client that pipelines requests and does not read the responses must not
 * make the node hold them all (a few kilobytes of GETs may ask for a gigabyte of values). While
 * the channel is over its write water mark (1 MB waiting to be sent), requests already decoded
 * wait in the same queue, unanswered, and reading stops; once it drains under the low mark,
 * they are answered in order and reading resumes, as for RESP clients.
 *
 * <p>Ownership: this handler owns each request it receives (queued ones too) and releases it
 * once answered or when the connection closes; each response's buffer passes to {@code write}.
 */
final class HttpApiHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApiHandler.class);

  private final Node node;
  private final RestApi api;
  private final HttpMetrics metrics;
  private final Executor admin;
  private final LeastConnectionsChooser chooser;
  private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
  private boolean busy;
  private boolean unflushed;
  private boolean counted;

  HttpApiHandler(Node node, RestApi api, HttpMetrics metrics, Executor admin,
      LeastConnectionsChooser chooser) {
    this.node = node;
    this.api = api;
    this.metrics = metrics;
    this.admin = admin;
    this.chooser = chooser;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    counted = true;
    metrics.connectionOpened();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (busy || !queued.isEmpty() || !ctx.channel().isWritable()) {
      queued.add(req);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    handle(ctx, req);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    long start = System.nanoTime();
    DecoderResult decoded = req.decoderResult();
    if (decoded.isFailure()) {
      HttpResponseStatus status = badFrameStatus(decoded.cause());
      respond(ctx, req, HttpRoute.NONE, RestApi.json(ctx.alloc(), status,
          Json.error(String.valueOf(decoded.cause().getMessage()))), start, true);
      return;
    }
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    List<String> segments = segments(path);
    HttpRoute route = HttpRoute.match(segments);
    FullHttpResponse early = check(ctx, req, route);
    if (early != null) {
      respond(ctx, req, route, early, start, false);
      return;
    }
    Map<String, byte[]> query;
    try {
      query = UriBytes.query(q < 0 ? null : uri.substring(q + 1));
    } catch (IllegalArgumentException e) {
      respond(ctx, req, route, error(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage()), start,
          false);
      return;
    }
    RestApi.Lane lane = api.laneOf(route, segments, query);
    CompletableFuture<FullHttpResponse> answered;
    if (!route.offloaded && lane == null) {
      FullHttpResponse now = run(ctx, route, segments, query, req);
      answered = durable(now);
      if (answered.isDone()) {
        respond(ctx, req, route, now, start, false);
        return;
      }
    } else {
      // The run and its ticket are taken on the thread that runs it: the ticket is per thread.
      Supplier<CompletableFuture<FullHttpResponse>> work =
          () -> durable(run(ctx, route, segments, query, req));
      try {
        answered = (lane != null ? lane.cache().submit(lane.key(), work::get)
            : CompletableFuture.supplyAsync(work, admin)).thenCompose(f -> f);
      } catch (RejectedExecutionException e) {
        answered = CompletableFuture.failedFuture(e);
      }
    }
    busy = true;
    ctx.channel().config().setAutoRead(false);
    answered.whenComplete((response, failure) -> {
      try {
        ctx.executor().execute(() -> {
          FullHttpResponse r = response != null ? response : failed(ctx, req, failure);
          busy = false;
          respond(ctx, req, route, r, start, response == null);
          ctx.flush();
          unflushed = false;
          drain(ctx);
        });
      } catch (RejectedExecutionException closing) {
        if (response != null) {
          response.release();
        }
        req.release();
      }
    });
  }

  /**
   * Returns {@code response} once the writes it acknowledges are durable: at once unless the
   * calling thread left a log ticket that is not ({@code appendfsync always}), in which case it
   * completes on the log writer's thread after the fsync, as a RESP reply is held.
   */
  private CompletableFuture<FullHttpResponse> durable(FullHttpResponse response) {
    return node.commitGate().takeTicketFuture().thenApply(durable -> response);
  }

  /** Returns the answer to a request whose off-loop run failed before it could answer. */
  private static FullHttpResponse failed(ChannelHandlerContext ctx, FullHttpRequest req,
      Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof RejectedExecutionException) {
      return error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "the node is shutting down");
    }
    LOG.warn("HTTP {} {} failed", req.method(), RestApi.pathOf(req.uri()), cause);
    return error(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + cause);
  }

  /**
   * Answers queued requests in order while nothing is out and the client keeps up; reads on
   * once none is left, else stays off until the off-loop answer or the next writability change.
   */
  private void drain(ChannelHandlerContext ctx) {
    FullHttpRequest next;
    while (!busy && ctx.channel().isWritable() && (next = queued.poll()) != null) {
      handle(ctx, next);
    }
    ctx.channel().config().setAutoRead(!busy && queued.isEmpty() && ctx.channel().isWritable());
    if (unflushed) {
      unflushed = false;
      ctx.flush();
    }
  }

  /** Returns the answer to a request refused before routing (auth, method), or null. */
  private FullHttpResponse check(ChannelHandlerContext ctx, FullHttpRequest req,
      HttpRoute route) {
    String pass = node.requirePass();
    if (pass != null && route != HttpRoute.HEALTH && !authorized(req, pass)) {
      FullHttpResponse r = error(ctx, HttpResponseStatus.UNAUTHORIZED,
          "authentication required: send 'Authorization: Bearer <requirepass>'");
      r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"tiercel\"");
      return r;
    }
    if (route != HttpRoute.NONE && !route.methods.contains(req.method())) {
      FullHttpResponse r = error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
          "method " + req.method() + " not allowed (expected: " + route.allow() + ")");
      r.headers().set(HttpHeaderNames.ALLOW, route.allow());
      return r;
    }
    return null;
  }

  private static boolean authorized(FullHttpRequest req, String pass) {
    String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8),
        pass.getBytes(StandardCharsets.UTF_8));
  }

  private FullHttpResponse run(ChannelHandlerContext ctx, HttpRoute route, List<String> segments,
      Map<String, byte[]> query, FullHttpRequest req) {
    try {
      return api.answer(route, segments, query, req, ctx.alloc());
    } catch (HttpError e) {
      return error(ctx, e.status(), e.getMessage());
    } catch (CacheFullException e) {
      return error(ctx, HttpResponseStatus.INSUFFICIENT_STORAGE,
          "value too large for the cache's maxmemory");
    } catch (io.tiercel.persistence.LogFullException e) {
      return error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("HTTP {} {} failed", req.method(), RestApi.pathOf(req.uri()), e);
      return error(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
    }
  }

  private static FullHttpResponse error(ChannelHandlerContext ctx, HttpResponseStatus status,
      String message) {
    return RestApi.json(ctx.alloc(), status, Json.error(message));
  }

  /** Writes {@code response} (whose buffer the write takes) and releases {@code req}. */
  private void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpRoute route,
      FullHttpResponse response, long start, boolean close) {
    boolean keepAlive = !close && HttpUtil.isKeepAlive(req);
    response.setProtocolVersion(req.protocolVersion());
    HttpUtil.setContentLength(response, response.content().readableBytes());
    HttpUtil.setKeepAlive(response, keepAlive);
    int status = response.status().code();
    req.release();
    metrics.record(route.ordinal(), status, System.nanoTime() - start);
    if (keepAlive) {
      ctx.write(response, ctx.voidPromise());
      unflushed = true;
    } else {
      ChannelFuture f = ctx.writeAndFlush(response);
      f.addListener(ChannelFutureListener.CLOSE);
      unflushed = false;
    }
  }

  private static HttpResponseStatus badFrameStatus(Throwable cause) {
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    if (cause instanceof TooLongHttpLineException) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (cause instanceof TooLongFrameException) {
      return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }

  /** Splits a path on {@code /}, dropping the leading empty segment. */
  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>(5);
    if (path.isEmpty() || path.charAt(0) != '/') {
      return out;
    }
    int start = 1;
    while (true) {
      int slash = path.indexOf('/', start);
      if (slash < 0) {
        out.add(path.substring(start));
        return out;
      }
      out.add(path.substring(start, slash));
      start = slash + 1;
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (unflushed) {
      unflushed = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && !busy) {
      drain(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseQueued();
    if (counted) {
      counted = false;
      metrics.connectionClosed();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseQueued();
  }

  private void releaseQueued() {
    FullHttpRequest r;
    while ((r = queued.poll()) != null) {
      r.release();
    }
  }

  @Override
  public void channelUnregistered(ChannelHandlerContext ctx) {
    chooser.connectionClosed(ctx.channel().eventLoop());
    ctx.fireChannelUnregistered();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      LOG.warn("closing HTTP connection {} after an unexpected error", ctx.channel(), cause);
    }
    ctx.close();
  }
}
