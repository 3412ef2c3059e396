package io.tiercel.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.tiercel.server.ServerConfig;
import io.tiercel.server.command.Node;
import io.tiercel.server.config.ConfigKeys;
import io.tiercel.server.metrics.NodeMetrics;
import io.tiercel.server.transport.LeastConnectionsChooser;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The pipeline of HTTP connections: Netty's HTTP/1.1 codec with limits on the request line and
 * the headers (414 and 431 beyond them), an aggregator that refuses bodies over
 * {@code http-max-content-length} with 413, and {@link HttpApiHandler}.
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> {
  /**
   * Requests decoded and not yet answered after which the codec closes the connection. Netty's
   * default, 128, is less than one read of small pipelined GETs, and requests now wait unanswered
   * while their client is behind on its responses ({@link HttpApiHandler}); reading stops then,
   * so what waits is at most about one read's worth (64 KB of requests).
   */
  static final int MAX_PIPELINE_DEPTH = 8192;

  private final Node node;
  private final RestApi api;
  private final NodeMetrics metrics;
  private final Executor admin;
  private final LeastConnectionsChooser chooser;
  private final int maxInitialLine;
  private final int maxHeaderSize;
  private final int maxContentLength;

  /** Creates the initializer; {@code admin} runs the slow routes off the event loops. */
  public HttpServerInitializer(ServerConfig config, Node node, NodeMetrics metrics,
      Executor admin, LeastConnectionsChooser chooser) {
    this.node = node;
    this.api = new RestApi(node, metrics);
    this.metrics = metrics;
    this.admin = admin;
    this.chooser = chooser;
    this.maxInitialLine = (int) (long) config.get(ConfigKeys.HTTP_MAX_INITIAL_LINE_LENGTH);
    this.maxHeaderSize = (int) (long) config.get(ConfigKeys.HTTP_MAX_HEADER_SIZE);
    this.maxContentLength = (int) (long) config.get(ConfigKeys.HTTP_MAX_CONTENT_LENGTH);
  }

  /** Returns the names of the HTTP routes, as the metrics tag them, by route index. */
  public static List<String> routeNames() {
    return HttpRoute.metricNames();
  }

  @Override
  protected void initChannel(Channel ch) {
    ch.pipeline()
        .addLast("http-codec", new HttpServerCodec(new HttpDecoderConfig()
            .setMaxInitialLineLength(maxInitialLine)
            .setMaxHeaderSize(maxHeaderSize), MAX_PIPELINE_DEPTH))
        .addLast("http-aggregator", new HttpObjectAggregator(maxContentLength))
        .addLast("http-api", new HttpApiHandler(node, api, metrics.http(), admin, chooser));
  }
}
