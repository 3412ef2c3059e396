package io.tiercel.server.command;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * INCRBYFLOAT's arithmetic, exactly as Redis does it on x86-64: in C {@code long double}.
 *
 * <p>Redis parses both operands with {@code strtold}, adds them in the x87 80-bit extended format
 * (a 64-bit significand, exponents down to 2^-16445 with subnormals, up to just under 2^16384),
 * and prints the sum with {@code "%.17Lf"} minus trailing zeros. A Java {@code double} has only
 * 53 bits, so {@code 0.1 + 0.2} would print {@code 0.30000000000000004} where Redis prints
 * {@code 0.3}, and {@code 1e308 + 1e308} would overflow where Redis prints 309 digits.
 *
 * <p>This class therefore works on exact {@link BigDecimal}s and rounds after each step as the
 * hardware does: to the nearest value with a 64-bit significand, ties to even (IEEE 754 round to
 * nearest, which both {@code strtold} and the x87 adder use). An exact decimal {@code n/d} is
 * rounded by finding its binary exponent {@code e}, scaling by {@code 2^(63-e)} (or by the
 * subnormal limit) and rounding the integer quotient. Printing with 17 fraction digits rounds the
 * exact binary value half-even, as glibc's {@code printf} does. The cost is a few BigInteger
 * operations per call, which INCRBYFLOAT can afford; ordinary magnitudes need about 64-bit
 * numbers, extreme ones a few thousand bits.
 */
final class LongDouble {
  /** Redis refuses longer inputs ({@code MAX_LONG_DOUBLE_CHARS}). */
  private static final int MAX_CHARS = 5 * 1024;
  private static final int SIGNIFICAND_BITS = 64;
  /** The exponent of the largest finite value's leading bit. */
  private static final int MAX_EXPONENT = 16383;
  /** The weight of the smallest subnormal's only bit. */
  private static final int MIN_BIT = -16445;
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern HEX = Pattern.compile(
      "([+-]?)0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)([pP][+-]?\\d+)?");
  private static final Pattern INFINITY =
      Pattern.compile("[+-]?(inf|infinity)", Pattern.CASE_INSENSITIVE);

  private LongDouble() {}

  /**
   * Parses {@code b[off, off + len)} as Redis's {@code string2ld}: returns the value rounded to
   * extended precision, or null for an infinity; fails with {@code error} on bad syntax, NaN,
   * overflow, or underflow to zero.
   */
  static BigDecimal parse(byte[] b, int off, int len, CommandError error) {
    if (len == 0 || len >= MAX_CHARS) {
      throw error;
    }
    String s = new String(b, off, len, StandardCharsets.US_ASCII);
    if (INFINITY.matcher(s).matches()) {
      return null;
    }
    BigDecimal exact;
    Matcher hex = HEX.matcher(s);
    if (hex.matches()) {
      exact = hex(hex);
      if (exact == null) {
        throw error;
      }
    } else if (DECIMAL.matcher(s).matches()) {
      exact = new BigDecimal(s);
    } else {
      throw error;
    }
    if (exact.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal rounded = round(exact);
    if (rounded == null || rounded.signum() == 0) {
      throw error;
    }
    return rounded;
  }

  /** Returns the exact value of a C99 hexadecimal float, or null if far out of range. */
  private static BigDecimal hex(Matcher m) {
    String digits = m.group(2);
    int point = digits.indexOf('.');
    int fraction = point < 0 ? 0 : digits.length() - point - 1;
    BigInteger mantissa = new BigInteger(digits.replace(".", ""), 16);
    if (mantissa.signum() == 0) {
      return BigDecimal.ZERO;
    }
    String p = m.group(3) == null ? "0" : m.group(3).substring(1).replace("+", "");
    if (p.length() > 12) {
      return null;
    }
    long k = Long.parseLong(p) - 4L * fraction;
    long top = k + mantissa.bitLength();
    if (top > MAX_EXPONENT + 2 || top < MIN_BIT - 2) {
      return null;
    }
    BigDecimal magnitude = k >= 0
        ? new BigDecimal(mantissa.shiftLeft((int) k))
        : new BigDecimal(mantissa.multiply(BigInteger.valueOf(5).pow((int) -k)), (int) -k);
    return m.group(1).equals("-") ? magnitude.negate() : magnitude;
  }

  /** Returns {@code x + y} rounded to extended precision, or null if it overflows. */
  static BigDecimal add(BigDecimal x, BigDecimal y) {
    BigDecimal sum = x.add(y);
    return sum.signum() == 0 ? BigDecimal.ZERO : round(sum);
  }

  /** Formats as Redis's {@code ld2string} in human mode: {@code %.17Lf}, trailing zeros cut. */
  static String format(BigDecimal value) {
    String s = value.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    s = s.substring(0, end);
    return s.equals("-0") ? "0" : s;
  }

  /** Rounds a non-zero exact value to the nearest extended-precision one; null on overflow. */
  private static BigDecimal round(BigDecimal exact) {
    // Cheap range checks first: an adjusted decimal exponent beyond these is out of any range.
    long adjusted = (long) exact.precision() - exact.scale() - 1;
    if (adjusted > 4933) {
      return null;
    }
    if (adjusted < -4952) {
      return BigDecimal.ZERO;
    }
    BigInteger n = exact.unscaledValue().abs();
    BigInteger d = BigInteger.ONE;
    if (exact.scale() > 0) {
      d = BigInteger.TEN.pow(exact.scale());
    } else {
      n = n.multiply(BigInteger.TEN.pow(-exact.scale()));
    }
    // e = floor(log2(n / d)).
    int e = n.bitLength() - d.bitLength();
    if (e >= 0 ? n.compareTo(d.shiftLeft(e)) < 0 : n.shiftLeft(-e).compareTo(d) < 0) {
      e--;
    }
    if (e > MAX_EXPONENT) {
      return null;
    }
    int shift = Math.max(e - (SIGNIFICAND_BITS - 1), MIN_BIT);
    BigInteger num = shift <= 0 ? n.shiftLeft(-shift) : n;
    BigInteger den = shift <= 0 ? d : d.shiftLeft(shift);
    BigInteger[] qr = num.divideAndRemainder(den);
    BigInteger m = qr[0];
    int half = qr[1].shiftLeft(1).compareTo(den);
    if (half > 0 || (half == 0 && m.testBit(0))) {
      m = m.add(BigInteger.ONE);
    }
    if (m.bitLength() + shift > MAX_EXPONENT + 1) {
      return null;
    }
    BigDecimal magnitude = shift >= 0
        ? new BigDecimal(m.shiftLeft(shift))
        : new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-shift)), -shift);
    return exact.signum() < 0 ? magnitude.negate() : magnitude;
  }
}
