package dev.whereabouts.runner.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of hostile requests: input {@code i} of seed {@code s} is always the same, so
 * a failure is reproduced with its number alone. It starts from the seed corpus in {@code
 * src/test/resources/reliability/} (bodies and strings that broke or nearly broke parsers
 * elsewhere) and mutates: JSON structure and types, sizes, nesting, number edge cases, Unicode,
 * invalid UTF-8, path tricks, header tricks and tokens in the wrong place.
 */
final class Fuzzer {
  /** One generated request. */
  record Input(
      int index, String method, String target, List<String> headers, byte[] body, String what) {
    /** The input for a report: tokens cut out (the report itself goes through the console). */
    @Override
    public String toString() {
      String text =
          "#"
              + index
              + " "
              + what
              + ": "
              + method
              + " "
              + (target.length() > 120 ? target.substring(0, 120) + "…" : target)
              + " "
              + headers.stream().map(h -> h.length() > 80 ? h.substring(0, 80) + "…" : h).toList()
              + " body "
              + body.length
              + " bytes";
      return TOKEN.matcher(text).replaceAll("<token>");
    }
  }

  private static final java.util.regex.Pattern TOKEN =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] METHODS = {
    "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO"
  };
  private static final String[] CONTENT_TYPES = {
    "text/plain",
    "application/json; charset=utf-16",
    "APPLICATION/JSON",
    "application/json;charset=\"utf-8\"",
    "application/jsonx",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-8; charset=latin1",
    "",
  };

  private final List<byte[]> bodies;
  private final List<String> strings;
  private final long seed;
  private final String owner;
  private final String other;
  private String ownerToken;
  private String otherToken;

  Fuzzer(long seed, String owner, String other, String ownerToken, String otherToken) {
    this.seed = seed;
    this.owner = owner;
    this.other = other;
    this.ownerToken = ownerToken;
    this.otherToken = otherToken;
    this.bodies = new ArrayList<>();
    for (String line : lines("/reliability/bodies.jsonl")) {
      bodies.add(line.getBytes(StandardCharsets.UTF_8));
    }
    this.strings = new ArrayList<>();
    for (String line : lines("/reliability/strings.jsonl")) {
      try {
        strings.add(JSON.readValue(line, String.class));
      } catch (IOException e) {
        throw new IllegalStateException("strings.jsonl: not a JSON string: " + line, e);
      }
    }
  }

  /** New tokens, after an input revoked one. */
  void tokens(String ownerToken, String otherToken) {
    this.ownerToken = ownerToken;
    this.otherToken = otherToken;
  }

  private static List<String> lines(String resource) {
    try (InputStream in = Fuzzer.class.getResourceAsStream(resource);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().filter(l -> !l.isEmpty()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Input number {@code i}. */
  Input input(int i) {
    Random r = new Random(seed * 1_000_003L + i);
    List<String> what = new ArrayList<>();
    String[] route = route(r);
    String method = route[0];
    if (r.nextInt(12) == 0) {
      method = METHODS[r.nextInt(METHODS.length)];
      what.add("method " + method);
    }
    String target = route[1].replace("{userId}", userId(r, what));
    if (r.nextInt(15) == 0) {
      target = "/prod" + target;
    }
    List<String> headers = new ArrayList<>();
    String token = null;
    switch (r.nextInt(10)) {
      case 0, 1, 2, 3 -> token = ownerToken;
      case 4 -> token = otherToken;
      case 5 -> {
        headers.add("Authorization: Bearer " + pick(r, strings).replaceAll("[\\r\\n]", ""));
        what.add("garbage token");
      }
      case 6 -> {
        // The token where it does not belong.
        switch (r.nextInt(5)) {
          case 0 -> target += "?access_token=" + ownerToken;
          case 1 -> headers.add("Cookie: token=" + ownerToken);
          case 2 -> headers.add("Authorization: " + ownerToken);
          case 3 -> headers.add("X-Api-Key: " + ownerToken);
          default -> headers.add("Authorization: Basic " + ownerToken);
        }
        what.add("token in the wrong place");
      }
      default -> {}
    }
    if (token != null) {
      headers.add("Authorization: " + (r.nextInt(8) == 0 ? "bearer  " : "Bearer ") + token);
      if (r.nextInt(20) == 0) {
        headers.add(
            "Authorization: Bearer " + (token.equals(ownerToken) ? otherToken : ownerToken));
        what.add("two Authorization headers");
      }
    }
    byte[] body = body(r, route[2], what);
    if (r.nextInt(5) != 0) {
      headers.add("Content-Type: application/json");
    } else {
      String ct = CONTENT_TYPES[r.nextInt(CONTENT_TYPES.length)];
      if (!ct.isEmpty()) {
        headers.add("Content-Type: " + ct);
      }
      what.add("Content-Type '" + ct + "'");
    }
    headerTricks(r, headers, what);
    if (r.nextInt(10) == 0) {
      target += r.nextBoolean() ? "?x=%ZZ" : "?a=1&a=2&" + enc(pick(r, strings));
      what.add("query");
    }
    return new Input(i, method, target, headers, body, String.join(", ", what));
  }

  private String[] route(Random r) {
    return switch (r.nextInt(9)) {
      case 0 -> new String[] {"POST", "/auth/users", "auth"};
      case 1 -> new String[] {"POST", "/auth/tokens", "auth"};
      case 2 -> new String[] {"DELETE", "/auth/tokens/current", "none"};
      case 3 -> new String[] {"PUT", "/locations/{userId}", "location"};
      case 4 -> new String[] {"GET", "/locations/{userId}", "none"};
      case 5 -> new String[] {r.nextBoolean() ? "DELETE" : "GET", "/profiles/{userId}", "none"};
      case 6 -> new String[] {"DELETE", "/locations/{userId}", "none"};
      case 7 -> new String[] {"GET", "/" + enc(pick(new Random(r.nextLong()), strings)), "none"};
      default -> new String[] {"PUT", "/profiles/{userId}", "profile"};
    };
  }

  private String userId(Random r, List<String> what) {
    int k = r.nextInt(10);
    if (k < 5) {
      return owner;
    }
    if (k == 5) {
      return other;
    }
    String s = pick(r, strings);
    what.add("path trick");
    return switch (r.nextInt(4)) {
      case 0 -> s.replaceAll("[\\x00-\\x20\\x7f?#/\\\\%]", "") + owner; // raw, kept readable
      case 1 -> enc(s);
      case 2 -> owner + "/" + enc(s);
      default -> "a".repeat(1 + r.nextInt(600));
    };
  }

  private byte[] body(Random r, String kind, List<String> what) {
    int k = r.nextInt(20);
    if (kind.equals("none") && k < 14) {
      return new byte[0];
    }
    String base = valid(kind, r);
    switch (k) {
      case 0, 1, 2 -> {
        return base.getBytes(StandardCharsets.UTF_8);
      }
      case 3, 4 -> {
        what.add("corpus body");
        return pick(r, bodies);
      }
      case 5 -> {
        what.add("a string value replaced");
        return replaceValue(base, quoted(pick(r, strings)), r);
      }
      case 6 -> {
        what.add("a number edge case");
        String[] numbers = {
          "NaN",
          "Infinity",
          "-Infinity",
          "1e309",
          "-0",
          "1e-400",
          "0x10",
          "99999999999999999999999",
          "1.0e+2",
          "01",
          ".5",
          "5.",
          "+1"
        };
        return replaceValue(base, numbers[r.nextInt(numbers.length)], r);
      }
      case 7 -> {
        what.add("a type changed");
        String[] values = {"null", "true", "[]", "{}", "\"1\"", "1", "[null]", "{\"a\":1}"};
        return replaceValue(base, values[r.nextInt(values.length)], r);
      }
      case 8 -> {
        what.add("a property added");
        return (base.substring(0, base.length() - 1)
                + (base.length() > 2 ? "," : "")
                + quoted(pick(r, strings))
                + ":1}")
            .getBytes(StandardCharsets.UTF_8);
      }
      case 9 -> {
        what.add("a property removed");
        return base.replaceFirst("\"[a-zA-Z]+\":[^,}]*,?", "").getBytes(StandardCharsets.UTF_8);
      }
      case 10 -> {
        int depth = 1 + r.nextInt(r.nextBoolean() ? 200 : 20_000);
        what.add("nested " + depth + " deep");
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return (open.repeat(depth) + "1" + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
      }
      case 11 -> {
        int n = 100 + r.nextInt(r.nextBoolean() ? 2_000 : 40_000);
        what.add("a string of " + n + " characters");
        String unit = r.nextBoolean() ? "x" : pick(r, strings).replaceAll("[\"\\\\]", "");
        if (unit.isEmpty()) {
          unit = "y";
        }
        return replaceValue(base, quoted(unit.repeat(n / unit.length() + 1)), r);
      }
      case 12 -> {
        what.add("invalid UTF-8");
        byte[] b = base.getBytes(StandardCharsets.UTF_8);
        byte[][] bad = {
          {(byte) 0xC0, (byte) 0xAF},
          {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
          {(byte) 0xFF},
          {(byte) 0xE2, (byte) 0x82},
          {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}
        };
        return insert(b, 1 + r.nextInt(Math.max(1, b.length - 1)), bad[r.nextInt(bad.length)]);
      }
      case 13 -> {
        what.add("truncated");
        byte[] b = base.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, r.nextInt(b.length));
      }
      case 14 -> {
        what.add("a byte flipped");
        byte[] b = base.getBytes(StandardCharsets.UTF_8);
        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        return b;
      }
      case 15 -> {
        what.add("BOM or UTF-16");
        return r.nextBoolean()
            ? insert(
                base.getBytes(StandardCharsets.UTF_8),
                0,
                new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})
            : base.getBytes(StandardCharsets.UTF_16);
      }
      case 16 -> {
        what.add("duplicate key");
        return (base.substring(0, base.length() - 1) + "," + base.substring(1))
            .getBytes(StandardCharsets.UTF_8);
      }
      case 17 -> {
        int n = 16 * 1024 - 64 + r.nextInt(r.nextBoolean() ? 128 : 1 << 20);
        what.add("a body of about " + n + " bytes");
        return (base.substring(0, base.length() - 1) + " ".repeat(n) + "}")
            .getBytes(StandardCharsets.UTF_8);
      }
      case 18 -> {
        what.add("a token in the body");
        return (base.substring(0, base.length() - 1) + ",\"accessToken\":\"" + ownerToken + "\"}")
            .getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        what.add("random JSON");
        return randomJson(r, 0).getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * Body number {@code i} for the model agreement property: a valid body of the route with one
   * field changed to a value near a limit, of another type, or removed, or a property added.
   */
  byte[] agreementBody(int i, String resource) {
    Random r = new Random(seed * 7_000_003L + i + resource.hashCode());
    String kind =
        resource.startsWith("/auth")
            ? "auth"
            : resource.startsWith("/locations") ? "location" : "profile";
    String base = valid(kind, r);
    String[] values = {
      "\"\"",
      "\"a\"",
      quoted("x".repeat(9)),
      quoted("x".repeat(10)),
      quoted("x".repeat(63)),
      quoted("x".repeat(64)),
      quoted("x".repeat(65)),
      quoted("x".repeat(100)),
      quoted("x".repeat(101)),
      quoted("x".repeat(128)),
      quoted("x".repeat(129)),
      quoted("x".repeat(500)),
      quoted("x".repeat(501)),
      quoted("\ud83d\ude00".repeat(64)),
      quoted("\ud83d\ude00".repeat(65)),
      quoted("\ud83d\ude00".repeat(100)),
      quoted("\ud83d\ude00".repeat(101)),
      quoted("abc"),
      quoted("ab"),
      quoted("Abc"),
      quoted("a".repeat(32)),
      quoted("a".repeat(33)),
      "0",
      "90",
      "90.0",
      "90.000001",
      "-90",
      "-90.000001",
      "180",
      "180.5",
      "-180",
      "-181",
      "1e2",
      "-0",
      "null",
      "true",
      "[]",
      "{}",
      "[1]",
      quoted(pick(r, strings)),
      quoted(pick(r, strings))
    };
    return switch (r.nextInt(10)) {
      case 0 -> base.getBytes(StandardCharsets.UTF_8);
      case 1 ->
          base.replaceFirst("\"[a-zA-Z]+\":[^,}]*,?", "")
              .replace(",}", "}")
              .getBytes(StandardCharsets.UTF_8);
      case 2 ->
          (base.substring(0, base.length() - 1) + "," + quoted(pick(r, strings)) + ":1}")
              .getBytes(StandardCharsets.UTF_8);
      case 3 -> randomJson(r, 0).getBytes(StandardCharsets.UTF_8);
      default -> replaceValue(base, values[r.nextInt(values.length)], r);
    };
  }

  private String valid(String kind, Random r) {
    return switch (kind) {
      case "auth" ->
          "{\"userId\":\""
              + (r.nextBoolean() ? owner : "fz-" + r.nextInt(1_000_000))
              + "\",\"password\":\"wrong horse battery\"}";
      case "location" ->
          "{\"latitude\":"
              + (r.nextDouble() * 180 - 90)
              + ",\"longitude\":"
              + (r.nextDouble() * 360 - 180)
              + ",\"name\":\"fuzz\"}";
      case "profile" -> "{\"displayName\":\"Fuzz\",\"bio\":\"fuzzed\"}";
      default -> "{\"displayName\":\"x\"}";
    };
  }

  private static byte[] replaceValue(String base, String value, Random r) {
    // Replaces the value of one property of a flat object.
    List<int[]> spans = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(":(\"[^\"]*\"|[^,}]*)").matcher(base);
    while (m.find()) {
      spans.add(new int[] {m.start(1), m.end(1)});
    }
    if (spans.isEmpty()) {
      return base.getBytes(StandardCharsets.UTF_8);
    }
    int[] s = spans.get(r.nextInt(spans.size()));
    return (base.substring(0, s[0]) + value + base.substring(s[1]))
        .getBytes(StandardCharsets.UTF_8);
  }

  private String randomJson(Random r, int depth) {
    int k = depth > 4 ? r.nextInt(4) : r.nextInt(6);
    return switch (k) {
      case 0 -> "null";
      case 1 -> Double.toString(r.nextGaussian() * 1e6);
      case 2 -> quoted(pick(r, strings));
      case 3 -> Boolean.toString(r.nextBoolean());
      case 4 -> {
        StringBuilder b = new StringBuilder("[");
        for (int n = r.nextInt(4); n > 0; n--) {
          b.append(randomJson(r, depth + 1)).append(n > 1 ? "," : "");
        }
        yield b.append(']').toString();
      }
      default -> {
        StringBuilder b = new StringBuilder("{");
        String[] keys = {
          "userId", "password", "latitude", "longitude", "name", "displayName", "bio"
        };
        for (int n = r.nextInt(4); n > 0; n--) {
          b.append(quoted(r.nextInt(3) == 0 ? pick(r, strings) : keys[r.nextInt(keys.length)]))
              .append(':')
              .append(randomJson(r, depth + 1))
              .append(n > 1 ? "," : "");
        }
        yield b.append('}').toString();
      }
    };
  }

  private void headerTricks(Random r, List<String> headers, List<String> what) {
    if (r.nextInt(4) != 0) {
      return;
    }
    switch (r.nextInt(9)) {
      case 0 -> {
        headers.add("X-HTTP-Method-Override: " + (r.nextBoolean() ? "DELETE" : "PUT"));
        headers.add("X-HTTP-Method: DELETE");
        what.add("method override headers");
      }
      case 1 -> {
        headers.add("Content-Type: text/plain");
        what.add("a second Content-Type");
      }
      case 2 -> {
        headers.add("X-Big: " + "a".repeat(4_000 + r.nextInt(60_000)));
        what.add("an oversized header");
      }
      case 3 -> {
        headers.add("X-Correlation-Id: " + pick(r, strings).replaceAll("[\\r\\n]", ""));
        what.add("odd correlation id");
      }
      case 4 -> {
        String[] values = {
          "*", "\"0\"", "W/\"1\"", "\"99999999999999999999\"", "1", "\"1\", \"2\"", ""
        };
        headers.add("If-Match: " + values[r.nextInt(values.length)]);
        what.add("odd If-Match");
      }
      case 5 -> {
        headers.add("X-Correlation-Id: a\r\nX-Injected: yes");
        what.add("CRLF in a header value");
      }
      case 6 -> {
        for (int n = 0; n < 50 + r.nextInt(200); n++) {
          headers.add("X-Repeat: " + n);
        }
        what.add("many repeated headers");
      }
      case 7 -> {
        headers.add("X-Forwarded-For: 127.0.0.1");
        headers.add("X-Amzn-Trace-Id: Root=1-00000000-000000000000000000000000");
        headers.add("X-Amzn-RequestId: forged-request-id");
        what.add("forged proxy headers");
      }
      default -> {
        headers.add("X-Correlation-Id: " + "c".repeat(65));
        what.add("a correlation id of 65 characters");
      }
    }
  }

  private static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String quoted(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] insert(byte[] b, int at, byte[] what) {
    byte[] out = new byte[b.length + what.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(b, at, out, at + what.length, b.length - at);
    return out;
  }
}
