package io.tiercel.server.command;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A byte string usable as a map key (channel names, patterns). */
record Bytes(byte[] bytes) {

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
