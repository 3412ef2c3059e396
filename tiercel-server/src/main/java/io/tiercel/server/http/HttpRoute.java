package io.tiercel.server.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The routes of the HTTP API, matched on the raw path's segments. */
enum HttpRoute {
  /** {@code GET/PUT/DELETE /caches/{cache}/keys/{key}}. */
  KEY("key", false, Set.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE)),
  /** {@code GET /caches}. */
  CACHES("caches", false, Set.of(HttpMethod.GET)),
  /** {@code GET /caches/{cache}}. */
  CACHE("cache", false, Set.of(HttpMethod.GET)),
  /** {@code POST /caches/{cache}/purge}: may take long, so it runs off the event loop. */
  PURGE("purge", true, Set.of(HttpMethod.POST)),
  /** {@code GET /get?key=}. */
  SHORT_GET("get", false, Set.of(HttpMethod.GET)),
  /** {@code GET /set?key=&value=}. */
  SHORT_SET("set", false, Set.of(HttpMethod.GET)),
  /** {@code GET /health}: no password needed. */
  HEALTH("health", false, Set.of(HttpMethod.GET)),
  /** {@code GET /metrics}: rendering takes a while, so it runs off the event loop. */
  METRICS("metrics", true, Set.of(HttpMethod.GET)),
  /** {@code GET /cluster}. */
  CLUSTER("cluster", false, Set.of(HttpMethod.GET)),
  /** Anything else: 404. */
  NONE("none", false, Set.of());

  final String metricName;
  final boolean offloaded;
  final Set<HttpMethod> methods;

  HttpRoute(String metricName, boolean offloaded, Set<HttpMethod> methods) {
    this.metricName = metricName;
    this.offloaded = offloaded;
    this.methods = methods;
  }

  /** Returns the {@code Allow} header of this route. */
  String allow() {
    List<String> names = new ArrayList<>();
    for (HttpMethod m : List.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.POST,
        HttpMethod.DELETE)) {
      if (methods.contains(m)) {
        names.add(m.name());
      }
    }
    return String.join(", ", names);
  }

  /** Returns the metric names of every route, in ordinal order. */
  static List<String> metricNames() {
    List<String> names = new ArrayList<>();
    for (HttpRoute r : values()) {
      names.add(r.metricName);
    }
    return names;
  }

  /** Matches path segments (split on {@code /}, still percent-encoded, leading "" dropped). */
  static HttpRoute match(List<String> segments) {
    int n = segments.size();
    if (n == 0) {
      return NONE;
    }
    String first = segments.get(0);
    if (first.equals("caches")) {
      if (n == 1 || (n == 2 && segments.get(1).isEmpty())) {
        return CACHES;
      }
      if (n == 2) {
        return CACHE;
      }
      if (n == 3 && segments.get(2).equals("purge")) {
        return PURGE;
      }
      if (n == 4 && segments.get(2).equals("keys")) {
        return KEY;
      }
      return NONE;
    }
    if (n != 1) {
      return NONE;
    }
    return switch (first) {
      case "get" -> SHORT_GET;
      case "set" -> SHORT_SET;
      case "health" -> HEALTH;
      case "metrics" -> METRICS;
      case "cluster" -> CLUSTER;
      default -> NONE;
    };
  }
}
