package io.tiercel.core.eviction;

/** A policy node for tests: a key with a given weight and hash. */
final class TestNode extends PolicyNode {
  final long key;
  private final int weight;
  private final int hash;

  /** Creates a node whose hash is derived from {@code key}. */
  TestNode(long key, int weight) {
    this(key, weight, hashOf(key));
  }

  /** Creates a node with an explicit hash, to provoke collisions. */
  TestNode(long key, int weight, int hash) {
    this.key = key;
    this.weight = weight;
    this.hash = hash;
  }

  @Override
  public int weight() {
    return weight;
  }

  @Override
  public int keyHash() {
    return hash;
  }

  /** Returns the hash a node for {@code key} gets by default (a 64-bit mix folded to 32 bits). */
  static int hashOf(long key) {
    long z = key + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (int) (z ^ (z >>> 32));
  }

  @Override
  public String toString() {
    return "TestNode{key=" + key + ", weight=" + weight + ", queue=" + queue() + "}";
  }
}
