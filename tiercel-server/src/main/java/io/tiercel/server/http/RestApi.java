package io.tiercel.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheStats;
import io.tiercel.core.ConfigValues;
import io.tiercel.core.KeySlot;
import io.tiercel.core.ValueReader;
import io.tiercel.core.backing.BackedCache;
import io.tiercel.server.command.Command;
import io.tiercel.server.command.CommandObserver;
import io.tiercel.server.command.Node;
import io.tiercel.server.config.ConfigKeys;
import io.tiercel.server.metrics.NodeMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP API's routes over a node's caches (DESIGN.md section 3). Keys and values are bytes:
 * a key is one percent-decoded path segment (or the {@code key} query parameter), a PUT value
 * is the request body as sent, and a GET answers the value's bytes as
 * {@code application/octet-stream}. Errors are JSON ({@code {"error": "..."}}) with 400 for bad
 * input, 404 for a missing cache or key, and 507 when a value is larger than its cache.
 *
 * <p>Ownership: every response returned carries a new buffer that the caller owns (and hands to
 * Netty's {@code write}); the request stays the caller's.
 */
final class RestApi {
  private static final String OCTETS = "application/octet-stream";
  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain; charset=utf-8";

  private final Node node;
  private final NodeMetrics metrics;
  private final CommandObserver commands;
  private final long startMillis;

  RestApi(Node node, NodeMetrics metrics) {
    this.node = node;
    this.metrics = metrics;
    this.commands = metrics.commands();
    this.startMillis = node.clock().millis();
  }

  /** A key of a cache with a backing store, whose request must run on the key's lane. */
  record Lane(BackedCache cache, byte[] key) {}

  /**
   * Returns the lane that must answer a key route whose cache has a backing store (its reads and
   * writes may wait for the database), or null when the request can be answered on the event
   * loop; a request that would fail (no such cache, bad key) is answered there too.
   */
  Lane laneOf(HttpRoute route, List<String> segments, Map<String, byte[]> query) {
    try {
      Cache cache = switch (route) {
        case KEY -> cache(segments.get(1));
        case SHORT_GET, SHORT_SET -> cacheParam(query);
        default -> null;
      };
      if (!(cache instanceof BackedCache backed)) {
        return null;
      }
      byte[] key = route == HttpRoute.KEY ? key(segments.get(3)) : query.get("key");
      return key == null || key.length == 0 ? null : new Lane(backed, key);
    } catch (HttpError | IllegalArgumentException e) {
      return null;
    }
  }

  /** Answers a request whose route and method were checked already. */
  FullHttpResponse answer(HttpRoute route, List<String> segments, Map<String, byte[]> query,
      FullHttpRequest req, ByteBufAllocator alloc) {
    return switch (route) {
      case KEY -> key(req.method(), cache(segments.get(1)), key(segments.get(3)), query, req,
          alloc);
      case CACHES -> {
        allowOnly(query, Set.of());
        StringBuilder sb = new StringBuilder("{\"caches\":[");
        List<String> names = node.caches().names();
        for (int i = 0; i < names.size(); i++) {
          Cache c = node.caches().get(names.get(i));
          if (c != null) {
            if (sb.charAt(sb.length() - 1) == '}') {
              sb.append(',');
            }
            describe(sb, c);
          }
        }
        yield json(alloc, HttpResponseStatus.OK, sb.append("]}\n").toString());
      }
      case CACHE -> {
        allowOnly(query, Set.of());
        yield json(alloc, HttpResponseStatus.OK,
            describe(new StringBuilder(), cache(segments.get(1))).append('\n').toString());
      }
      case PURGE -> {
        allowOnly(query, Set.of());
        cache(segments.get(1)).purge();
        yield empty(HttpResponseStatus.NO_CONTENT);
      }
      case SHORT_GET -> {
        allowOnly(query, Set.of("key", "cache"));
        yield get(cacheParam(query), required(query, "key"), alloc);
      }
      case SHORT_SET -> {
        allowOnly(query, Set.of("key", "value", "cache", "ttl"));
        put(cacheParam(query), required(query, "key"), required(query, "value"), query);
        yield text(alloc, HttpResponseStatus.OK, "OK\n");
      }
      case HEALTH -> json(alloc, HttpResponseStatus.OK, "{\"status\":\"ok\",\"uptime_seconds\":"
          + (node.clock().millis() - startMillis) / 1000 + "}\n");
      case METRICS -> {
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        yield response(HttpResponseStatus.OK, NodeMetrics.CONTENT_TYPE,
            alloc.buffer(body.length).writeBytes(body));
      }
      case CLUSTER -> json(alloc, HttpResponseStatus.OK, cluster());
      case NONE -> throw HttpError.notFound("no route for " + req.method() + " "
          + pathOf(req.uri()));
    };
  }

  private FullHttpResponse key(HttpMethod method, Cache cache, byte[] key,
      Map<String, byte[]> query, FullHttpRequest req, ByteBufAllocator alloc) {
    if (method.equals(HttpMethod.GET)) {
      allowOnly(query, Set.of());
      return get(cache, key, alloc);
    }
    if (method.equals(HttpMethod.PUT)) {
      allowOnly(query, Set.of("ttl"));
      put(cache, key, ByteBufUtil.getBytes(req.content()), query);
      return empty(HttpResponseStatus.NO_CONTENT);
    }
    allowOnly(query, Set.of());
    long start = System.nanoTime();
    boolean removed = cache.remove(key);
    commands.completed(Command.DEL, CommandObserver.OK, System.nanoTime() - start);
    if (!removed) {
      throw HttpError.notFound("no such key in cache '" + cache.name() + "'");
    }
    return empty(HttpResponseStatus.NO_CONTENT);
  }

  private FullHttpResponse get(Cache cache, byte[] key, ByteBufAllocator alloc) {
    long start = System.nanoTime();
    ByteBuf value = cache.read(key, new CopyReader(alloc));
    commands.completed(Command.GET, value == null ? CommandObserver.MISS : CommandObserver.OK,
        System.nanoTime() - start);
    if (value == null) {
      throw HttpError.notFound("no such key in cache '" + cache.name() + "'");
    }
    return response(HttpResponseStatus.OK, OCTETS, value);
  }

  private void put(Cache cache, byte[] key, byte[] value, Map<String, byte[]> query) {
    long expireAt = Cache.DEFAULT_TTL;
    byte[] ttl = query.get("ttl");
    if (ttl != null) {
      String text = new String(ttl, StandardCharsets.UTF_8);
      Duration d = ConfigValues.parseDuration("ttl", text);
      if (d.isZero()) {
        throw HttpError.badRequest("ttl: '" + text + "' (expected: a duration above 0)");
      }
      expireAt = node.clock().millis() + d.toMillis();
    }
    long start = System.nanoTime();
    cache.put(key, value, expireAt);
    commands.completed(Command.SET, CommandObserver.OK, System.nanoTime() - start);
  }

  private Cache cache(String rawName) {
    String name = new String(UriBytes.decode(rawName, 0, rawName.length(), false, "cache name"),
        StandardCharsets.UTF_8);
    Cache c = node.caches().get(name);
    if (c == null) {
      throw HttpError.notFound("no such cache '" + name + "'");
    }
    return c;
  }

  private Cache cacheParam(Map<String, byte[]> query) {
    byte[] name = query.get("cache");
    if (name == null) {
      return node.caches().defaultCache();
    }
    String s = new String(name, StandardCharsets.UTF_8);
    Cache c = node.caches().get(s);
    if (c == null) {
      throw HttpError.notFound("no such cache '" + s + "'");
    }
    return c;
  }

  private static byte[] key(String rawKey) {
    byte[] key = UriBytes.decode(rawKey, 0, rawKey.length(), false, "key");
    if (key.length == 0) {
      throw HttpError.badRequest("key: '' (expected: a non-empty key)");
    }
    return key;
  }

  private static byte[] required(Map<String, byte[]> query, String name) {
    byte[] v = query.get(name);
    if (v == null || (name.equals("key") && v.length == 0)) {
      throw HttpError.badRequest("query parameter '" + name + "' is missing");
    }
    return v;
  }

  private static void allowOnly(Map<String, byte[]> query, Set<String> names) {
    for (String n : query.keySet()) {
      if (!names.contains(n)) {
        throw HttpError.badRequest("unknown query parameter '" + n + "' (expected: "
            + (names.isEmpty() ? "none" : String.join(", ", names.stream().sorted().toList()))
            + ")");
      }
    }
  }

  private static StringBuilder describe(StringBuilder sb, Cache c) {
    CacheStats s = c.stats();
    Json.quote(sb.append("{\"name\":"), c.name());
    Json.quote(sb.append(",\"policy\":"), c.config().policy().configName());
    sb.append(",\"maxmemory\":").append(c.config().maxMemory())
        .append(",\"ttl_ms\":").append(c.config().defaultTtl().toMillis())
        .append(",\"entries\":").append(s.entries())
        .append(",\"memory_bytes\":").append(s.bytes())
        .append(",\"hits\":").append(s.hits())
        .append(",\"misses\":").append(s.misses())
        .append(",\"evictions\":").append(s.evictions())
        .append(",\"expirations\":").append(s.expirations())
        .append(",\"hit_ratio\":").append(s.hitRatio())
        .append('}');
    return sb;
  }

  private String cluster() {
    StringBuilder sb = new StringBuilder("{\"cluster_enabled\":true,\"epoch\":0,\"nodes\":[{");
    Json.quote(sb.append("\"id\":"), node.runId());
    Json.quote(sb.append(",\"host\":"), node.config().bind());
    sb.append(",\"port\":").append(node.config().settings().show(ConfigKeys.PORT))
        .append(",\"http_port\":").append(node.config().settings().show(ConfigKeys.HTTP_PORT))
        .append(",\"role\":\"master\",\"slots\":[[0,").append(KeySlot.SLOTS - 1)
        .append("]]}]}\n");
    return sb.toString();
  }

  static String pathOf(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, String body) {
    return response(status, JSON, utf8(alloc, body));
  }

  static FullHttpResponse text(ByteBufAllocator alloc, HttpResponseStatus status, String body) {
    return response(status, TEXT, utf8(alloc, body));
  }

  static FullHttpResponse empty(HttpResponseStatus status) {
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        io.netty.buffer.Unpooled.EMPTY_BUFFER);
  }

  private static ByteBuf utf8(ByteBufAllocator alloc, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return alloc.buffer(b.length).writeBytes(b);
  }

  private static FullHttpResponse response(HttpResponseStatus status, String type,
      ByteBuf content) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    return r;
  }

  /** Copies a stored value into a new buffer, which it owns until read returns it. */
  private static final class CopyReader implements ValueReader<ByteBuf> {
    private final ByteBufAllocator alloc;
    private ByteBuf copy;

    CopyReader(ByteBufAllocator alloc) {
      this.alloc = alloc;
    }

    @Override
    public ByteBuf read(byte[] array, int offset, int length, long expireAtMillis) {
      copy = alloc.buffer(length).writeBytes(array, offset, length);
      return copy;
    }

    /** Releases the copy the last read made: the value changed while it was copied. */
    @Override
    public void discard() {
      copy.release();
      copy = null;
    }
  }
}
