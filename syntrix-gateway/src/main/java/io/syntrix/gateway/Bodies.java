package io.syntrix.gateway;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Strict reading of request bodies: a JSON object, only the keys an endpoint knows, each of
 * the type it expects. Every violation is a 400 that names the key.
 */
final class Bodies {
  private Bodies() {}

  /** The body as a JSON object; an empty or absent body is refused. */
  static MapValue object(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    InvalidInputException.check(body != null && body.length() > 0, "request body is empty; expected a JSON object");
    Value v = Json.parse(body.getBytes());
    InvalidInputException.check(v instanceof MapValue, "request body must be a JSON object, got " + v.typeClass());
    return (MapValue) v;
  }

  /** The body as a JSON object, or an empty one when there is no body (e.g. DELETE without ifMatch). */
  static MapValue optionalObject(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    return body == null || body.length() == 0 ? MapValue.EMPTY : object(ctx);
  }

  static void onlyKeys(MapValue body, Set<String> allowed, String what) {
    for (String key : body.fields().keySet()) {
      InvalidInputException.check(allowed.contains(key),
          "unknown key '" + key + "' in " + what + " (expected " + String.join(", ", allowed) + ")");
    }
  }

  static MapValue requiredObject(MapValue body, String key) {
    Value v = body.get(key);
    InvalidInputException.check(v instanceof MapValue, "'" + key + "' must be a JSON object");
    return (MapValue) v;
  }

  static String requiredString(MapValue body, String key) {
    Value v = body.get(key);
    InvalidInputException.check(v instanceof StringValue, "'" + key + "' must be a string");
    return ((StringValue) v).value();
  }

  /** A string, or null when absent or JSON null. */
  static String optionalString(MapValue body, String key) {
    Value v = body.get(key);
    if (v == null || v instanceof NullValue) {
      return null;
    }
    InvalidInputException.check(v instanceof StringValue, "'" + key + "' must be a string");
    return ((StringValue) v).value();
  }

  static boolean optionalBoolean(MapValue body, String key) {
    Value v = body.get(key);
    if (v == null || v instanceof NullValue) {
      return false;
    }
    InvalidInputException.check(v instanceof BooleanValue, "'" + key + "' must be true or false");
    return ((BooleanValue) v).value();
  }

  static long optionalInteger(MapValue body, String key, long absent) {
    Value v = body.get(key);
    if (v == null || v instanceof NullValue) {
      return absent;
    }
    InvalidInputException.check(v instanceof IntegerValue, "'" + key + "' must be an integer");
    return ((IntegerValue) v).value();
  }

  static ArrayValue optionalArray(MapValue body, String key) {
    Value v = body.get(key);
    if (v == null || v instanceof NullValue) {
      return ArrayValue.EMPTY;
    }
    InvalidInputException.check(v instanceof ArrayValue, "'" + key + "' must be an array");
    return (ArrayValue) v;
  }
}
