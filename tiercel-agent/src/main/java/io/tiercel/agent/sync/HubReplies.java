package io.tiercel.agent.sync;

/**
 * Reads the two fixed-shape replies the sync path gets most, straight from their bytes, without
 * building a reply tree: the answer to an own {@code SYNCHUB PUBLISH} ({@code *2 :epoch :seq})
 * and a pushed message ({@code *5 $4 sync :epoch :slot :seq $n payload}, {@code >5} in RESP3).
 * Anything else reads as null and goes the general way ({@code ReplyFramer}).
 */
final class HubReplies {
  private static final byte[] SYNC_HEAD = "5\r\n$4\r\nsync\r\n".getBytes(
      java.nio.charset.StandardCharsets.US_ASCII);

  private final byte[] raw;
  /** Where the reply ends in {@link #raw}: its length, or less when the array is reused. */
  private final int end;
  private int at;

  private HubReplies(byte[] raw, int at, int end) {
    this.raw = raw;
    this.at = at;
    this.end = end;
  }

  /** Returns {@code {epoch, seq}}, or null if {@code raw} is anything else (an error, say). */
  static long[] parsePublish(byte[] raw) {
    if (raw.length < 12 || raw[0] != '*' || raw[1] != '2' || raw[2] != '\r' || raw[3] != '\n') {
      return null;
    }
    HubReplies r = new HubReplies(raw, 4, raw.length);
    long epoch = r.integer();
    long seq = epoch == Long.MIN_VALUE ? Long.MIN_VALUE : r.integer();
    return seq == Long.MIN_VALUE || r.at != raw.length ? null : new long[] {epoch, seq};
  }

  /**
   * Reads the pushed message in {@code raw[0, length)} into {@code out} as {@code {epoch, slot,
   * seq, payloadOffset, payloadLength}}; returns false if those bytes are not one.
   */
  static boolean parsePush(byte[] raw, int length, long[] out) {
    if (length < 1 + SYNC_HEAD.length || (raw[0] != '*' && raw[0] != '>')) {
      return false;
    }
    for (int i = 0; i < SYNC_HEAD.length; i++) {
      if (raw[1 + i] != SYNC_HEAD[i]) {
        return false;
      }
    }
    HubReplies r = new HubReplies(raw, 1 + SYNC_HEAD.length, length);
    for (int i = 0; i < 3; i++) {
      if ((out[i] = r.integer()) == Long.MIN_VALUE) {
        return false;
      }
    }
    if (r.at >= length || raw[r.at] != '$') {
      return false;
    }
    r.at++;
    long payload = r.digits();
    int start = r.at;
    if (payload < 0 || start + payload + 2 != length || raw[length - 2] != '\r'
        || raw[length - 1] != '\n') {
      return false;
    }
    out[3] = start;
    out[4] = payload;
    return true;
  }

  /** Reads {@code :n\r\n}; returns Long.MIN_VALUE if the bytes are not that. */
  private long integer() {
    if (at >= end || raw[at] != ':') {
      return Long.MIN_VALUE;
    }
    at++;
    boolean negative = at < end && raw[at] == '-';
    if (negative) {
      at++;
    }
    long v = digits();
    return v < 0 ? Long.MIN_VALUE : negative ? -v : v;
  }

  /** Reads {@code digits\r\n} (a non-negative long); returns -1 if the bytes are not that. */
  private long digits() {
    long v = 0;
    int n = 0;
    while (at < end && raw[at] >= '0' && raw[at] <= '9') {
      int d = raw[at++] - '0';
      if (v > (Long.MAX_VALUE - d) / 10) {
        return -1;
      }
      v = v * 10 + d;
      n++;
    }
    if (n == 0 || at + 1 >= end || raw[at] != '\r' || raw[at + 1] != '\n') {
      return -1;
    }
    at += 2;
    return v;
  }
}
