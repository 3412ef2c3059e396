package io.tiercel.server.command;

/**
 * Redis's glob-style matching ({@code * ? [abc] [^a-z] \x}) over bytes, iterative so that no
 * pattern can exhaust the stack or take exponential time.
 */
final class Glob {
  private Glob() {}

  /** Returns whether {@code text} matches {@code pattern}. */
  static boolean matches(byte[] pattern, byte[] text) {
    int p = 0;
    int t = 0;
    int starP = -1;
    int starT = -1;
    while (t < text.length) {
      if (p < pattern.length && pattern[p] == '*') {
        while (p < pattern.length && pattern[p] == '*') {
          p++;
        }
        if (p == pattern.length) {
          return true;
        }
        starP = p;
        starT = t;
        continue;
      }
      int next = p < pattern.length ? matchOne(pattern, p, text[t]) : -1;
      if (next >= 0) {
        p = next;
        t++;
      } else if (starP >= 0) {
        p = starP;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (p < pattern.length && pattern[p] == '*') {
      p++;
    }
    return p == pattern.length;
  }

  /** Returns the pattern position after the token at {@code p} if it matches {@code c}, else -1. */
  private static int matchOne(byte[] pattern, int p, byte c) {
    byte pc = pattern[p];
    if (pc == '?') {
      return p + 1;
    }
    if (pc == '\\' && p + 1 < pattern.length) {
      return pattern[p + 1] == c ? p + 2 : -1;
    }
    if (pc != '[') {
      return pc == c ? p + 1 : -1;
    }
    int i = p + 1;
    boolean not = i < pattern.length && pattern[i] == '^';
    if (not) {
      i++;
    }
    boolean match = false;
    while (i < pattern.length && pattern[i] != ']') {
      if (pattern[i] == '\\' && i + 1 < pattern.length) {
        i++;
        if (pattern[i] == c) {
          match = true;
        }
        i++;
      } else if (i + 2 < pattern.length && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
        int lo = pattern[i] & 0xFF;
        int hi = pattern[i + 2] & 0xFF;
        if (lo > hi) {
          int tmp = lo;
          lo = hi;
          hi = tmp;
        }
        int v = c & 0xFF;
        if (v >= lo && v <= hi) {
          match = true;
        }
        i += 3;
      } else {
        if (pattern[i] == c) {
          match = true;
        }
        i++;
      }
    }
    // Redis treats an unterminated class as ending at the pattern's end.
    if (not) {
      match = !match;
    }
    return match ? Math.min(i + 1, pattern.length) : -1;
  }
}
