package io.tiercel.server.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.tiercel.server.command.CommandDispatcher;
import io.tiercel.server.transport.LeastConnectionsChooser;

/** The one pipeline of client connections, shared by the TCP and UNIX-socket listeners. */
public final class TiercelChannelInitializer extends ChannelInitializer<Channel> {
  private final CommandDispatcher dispatcher;
  private final LeastConnectionsChooser chooser;

  /** Creates the initializer. */
  public TiercelChannelInitializer(CommandDispatcher dispatcher, LeastConnectionsChooser chooser) {
    this.dispatcher = dispatcher;
    this.chooser = chooser;
  }

  @Override
  protected void initChannel(Channel ch) {
    ch.pipeline().addLast("resp", new RespServerHandler(dispatcher, chooser));
  }
}
