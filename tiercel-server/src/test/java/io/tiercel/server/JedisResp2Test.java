package io.tiercel.server;

import redis.clients.jedis.RedisProtocol;

/** The Jedis suite over RESP2. */
class JedisResp2Test extends AbstractJedisTest {
  @Override
  RedisProtocol protocol() {
    return RedisProtocol.RESP2;
  }
}
