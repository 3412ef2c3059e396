package io.tiercel.server;

import redis.clients.jedis.RedisProtocol;

/** The Jedis suite over RESP3 (HELLO 3). */
class JedisResp3Test extends AbstractJedisTest {
  @Override
  RedisProtocol protocol() {
    return RedisProtocol.RESP3;
  }
}
